# Every target bootstraps .venv from nothing (python3 + pip + make only).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest demo dev lock clean chromium oidc-provider console-vendor screenshots

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium oidc-provider
	$(BIN)/pytest -q

test: lint typecheck pytest

# The console's browser tests use Debian's chromium through Playwright (Playwright's own browser
# download does not work everywhere). Installed here when missing; never skipped.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the console's browser tests"; \
	  apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
	    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	else \
	  echo "error: the console's browser tests need $(CHROMIUM) (Debian: sudo apt-get install chromium)" >&2; exit 1; \
	fi

# The sign-in tests run a real OpenID provider (tests/oidc: the npm package oidc-provider, locked in
# package-lock.json). Installed from the lock when node_modules is missing or older than the lock;
# a machine without node fails here with the fix, never skips.
OIDC_DIR := tests/oidc
OIDC_STAMP := $(OIDC_DIR)/node_modules/.installed
oidc-provider: $(OIDC_STAMP)
$(OIDC_STAMP): $(OIDC_DIR)/package.json $(OIDC_DIR)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "error: the sign-in tests need Node.js >= 20.19 and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix $(OIDC_DIR) --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

# Re-take the README's screenshots (docs/screenshots/) with the browser tests.
screenshots: $(STAMP) chromium oidc-provider
	VOICETRAIN_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q tests/console/

# Refresh the vendored livekit-client bundle (needs npm and the registry; demo/test/Docker do not).
LIVEKIT_CLIENT_VERSION := 2.23.0
console-vendor:
	rm -rf /tmp/voicetrain-vendor && mkdir -p /tmp/voicetrain-vendor
	cd /tmp/voicetrain-vendor && npm pack --silent livekit-client@$(LIVEKIT_CLIENT_VERSION) && tar xzf livekit-client-$(LIVEKIT_CLIENT_VERSION).tgz
	cp /tmp/voicetrain-vendor/package/dist/livekit-client.umd.js api/console/static/vendor/livekit-client.umd.js
	cp /tmp/voicetrain-vendor/package/LICENSE api/console/static/vendor/livekit-client.LICENSE

demo: $(STAMP)
	$(BIN)/voicetrain demo

dev: $(STAMP)
	$(BIN)/voicetrain dev

# Re-resolve the lock from pyproject (needs the registry).
lock:
	rm -rf /tmp/voicetrain-lock && $(PYTHON) -m venv /tmp/voicetrain-lock
	/tmp/voicetrain-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Locked set of runtime + dev dependencies (Python 3.11, linux x86_64). Regenerate: make lock"; \
	  /tmp/voicetrain-lock/bin/pip freeze --all --exclude-editable | grep -v "^pip=="; } > requirements.lock

clean:
	rm -rf $(VENV) .voicetrain .pytest_cache .mypy_cache .ruff_cache $(OIDC_DIR)/node_modules
