"""RS256 through a JWKS URL served by a real local HTTP server: a good token passes; the
HS256-signed-with-the-public-key confusion attack and other algorithms fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from temporalio.client import Client

from core.db.engine import SessionMaker
from tests.api_harness import Api, running_api
from tests.helpers import serving

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "test-key-1"


@pytest.fixture
async def jwks_url() -> AsyncIterator[str]:
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    public_jwk.update({"kid": KID, "use": "sig", "alg": "RS256"})

    async def keys(_: object) -> JSONResponse:
        return JSONResponse({"keys": [public_jwk]})

    async with serving(Starlette(routes=[Route("/jwks.json", keys)])) as url:
        yield f"{url}/jwks.json"


@pytest.fixture
async def api(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path, jwks_url: str
) -> AsyncIterator[Api]:
    async with running_api(
        client, sessionmaker, database_url, tmp_path, jwt_jwks_url=jwks_url
    ) as a:
        yield a


def _claims(api: Api) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "sub": f"idp|{uuid.uuid4()}",
        "role": "trainee",
        "iss": api.settings.jwt_issuer,
        "aud": api.settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_rs256_from_jwks_and_the_confusion_attack(api: Api) -> None:
    assert api.settings.jwt_algorithms == ["RS256"]
    good = jwt.encode(_claims(api), KEY, algorithm="RS256", headers={"kid": KID})
    r = await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 200, r.text

    public_pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
        + "."
        + _b64(json.dumps(_claims(api)).encode())
    )
    confused = (
        signing_input
        + "."
        + _b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())
    )
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for token in (
        confused,
        jwt.encode(
            _claims(api), other_key, algorithm="RS256", headers={"kid": KID}
        ),  # not our IdP's key
        jwt.encode(_claims(api), "x" * 64, algorithm="HS256", headers={"kid": KID}),
    ):
        r = await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
