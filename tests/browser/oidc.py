"""A real OpenID provider process for sign-in tests: tests/oidc/provider.mjs (the npm package
`oidc-provider`) on 127.0.0.1, and a small authorization-code + PKCE client that signs in through
its login form over plain HTTP, for the tests that need a token without a browser."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from voicetrain.devstack.processes import free_port

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "voicetrain-console"  # registered in provider.mjs
AUDIENCE = "api://voicetrain"
OTHER_AUDIENCE = "api://another-service"  # a resource server of the same IdP, not voicetrain
ACCESS_TOKEN_TTL = 15  # seconds: short, so a test sees a token expire and get renewed


@dataclass(frozen=True)
class Provider:
    issuer: str
    redirect_uri: str

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"


def signing_keys(path: Path) -> Path:
    """A private JWK set for provider.mjs; two providers given one file sign with the same key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop(
        "key_ops", None
    )  # PyJWT writes ["sign"]: the provider also verifies id_token_hint with it
    jwk.update({"kid": f"test-{secrets.token_hex(4)}", "use": "sig", "alg": "RS256"})
    path.write_text(json.dumps({"keys": [jwk]}))
    return path


def _require_node() -> str:
    """Never skip: a missing node or missing packages is a failure with the fix in its message."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError(
            "node is missing: the sign-in tests run a real OpenID provider (tests/oidc, npm "
            "package oidc-provider) and need Node.js >= 20.19 with npm (Debian: apt-get install nodejs npm)."
        )
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            f"{PROVIDER_DIR}/node_modules is missing: run `make oidc-provider` "
            "(npm ci --prefix tests/oidc); `make test` does it."
        )
    return node


@asynccontextmanager
async def running_provider(
    redirect_uri: str, keys: Path, *, port: int | None = None
) -> AsyncIterator[Provider]:
    """Start provider.mjs, wait for its discovery document, stop it after the block. Its log
    (warnings, errors) goes to a file beside the keys, so no pipe fills up and blocks it."""
    node = _require_node()
    port = port or free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_REDIRECT_URI": redirect_uri,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_JWKS_FILE": str(keys),
        "OIDC_ACCESS_TOKEN_TTL": str(ACCESS_TOKEN_TTL),
    }
    log_path = keys.with_name(f"oidc-provider-{port}.log")
    log = log_path.open("wb")
    proc = await asyncio.create_subprocess_exec(
        node, str(PROVIDER_DIR / "provider.mjs"), env=env, cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE, stderr=log,
    )  # fmt: skip
    provider = Provider(issuer=f"http://127.0.0.1:{port}", redirect_uri=redirect_uri)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        if not line.startswith(b"ready "):
            raise RuntimeError(f"the OpenID provider did not start: {log_path.read_text()}")
        async with httpx.AsyncClient() as http:
            meta = (await http.get(f"{provider.issuer}/.well-known/openid-configuration")).json()
        assert meta["issuer"] == provider.issuer
        yield provider
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
        log.close()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _form_action(html: str) -> str:
    found = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert found, f"no form on the provider's page: {html[:500]}"
    return found.group(1)


async def sign_in(provider: Provider, login: str, **extra: str) -> dict[str, Any]:
    """Authorization code + PKCE through the provider's own login form, as the console does it;
    returns the token response. `extra` adds authorization parameters (e.g. resource=...)."""
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": provider.redirect_uri,
        "scope": "openid profile email", "state": state, "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge, "code_challenge_method": "S256", **extra,
    }  # fmt: skip
    async with httpx.AsyncClient(base_url=provider.issuer, timeout=30) as http:
        r = await http.get(f"/auth?{urlencode(params)}", follow_redirects=True)
        r = await http.post(
            _form_action(r.text), data={"prompt": "login", "login": login, "password": "any"}
        )
        # the provider redirects back to /auth/..., then to our redirect URI with the code
        while r.is_redirect and not r.headers["location"].startswith(provider.redirect_uri):
            r = await http.get(r.headers["location"])
        assert r.is_redirect, r.text[:500]
        query = parse_qs(urlsplit(r.headers["location"]).query)
        assert query.get("state") == [state], query
        assert "code" in query, query
        tokens = await http.post(
            "/token",
            data={
                "grant_type": "authorization_code", "code": query["code"][0],
                "redirect_uri": provider.redirect_uri, "client_id": CLIENT_ID,
                "code_verifier": verifier,
            },
        )  # fmt: skip
        assert tokens.status_code == 200, tokens.text
        body: dict[str, Any] = tokens.json()
        return body


async def refresh(provider: Provider, refresh_token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=provider.issuer, timeout=30) as http:
        return await http.post(
            "/token",
            data={
                "grant_type": "refresh_token", "refresh_token": refresh_token,
                "client_id": CLIENT_ID,
            },
        )  # fmt: skip
