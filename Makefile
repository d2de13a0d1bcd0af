# Every target bootstraps .venv from nothing (python3 + pip + make only).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest demo dev lock clean

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

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

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
	rm -rf $(VENV) .voicetrain .pytest_cache .mypy_cache .ruff_cache
