"""Authentication at the API's edge: bad user tokens are 401, and the internal bridge refuses a
missing, wrong or wrong-length service key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.security import session_bridge_token
from tests.api_harness import SERVICE_KEY, Api, running_api
from tests.helpers import scenario_by_slug


def _claims(api: Api, **over: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": "someone",
        "role": "trainee",
        "iss": api.settings.jwt_issuer,
        "aud": api.settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(over)
    return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(claims: dict[str, object], key: bytes) -> str:
    signing_input = _b64(b'{"alg":"HS256","typ":"JWT"}') + "." + _b64(json.dumps(claims).encode())
    return (
        signing_input + "." + _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())
    )


async def test_bad_tokens_are_401(api: Api) -> None:
    assert api.settings.jwt_secret is not None
    secret = api.settings.jwt_secret.get_secret_value()
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    unsigned = (
        base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        + "."
        + base64.urlsafe_b64encode(json.dumps(_claims(api, iat=0, exp=4102444800)).encode())
        .rstrip(b"=")
        .decode()
        + "."
    )
    bad = {
        "expired": jwt.encode(
            _claims(api, exp=datetime.now(UTC) - timedelta(hours=1)), secret, algorithm="HS256"
        ),
        "wrong audience": jwt.encode(_claims(api, aud="someone-else"), secret, algorithm="HS256"),
        "wrong issuer": jwt.encode(_claims(api, iss="evil"), secret, algorithm="HS256"),
        "alg none": unsigned,
        # an RS public key used as an HMAC secret (the classic algorithm-confusion attack)
        "HS/RS confusion": _hs256(_claims(api, iat=0, exp=4102444800), public_pem),
        "RS256 signed": jwt.encode(_claims(api), private, algorithm="RS256"),
        "wrong secret": jwt.encode(_claims(api), "x" * 64, algorithm="HS256"),
        "bad role": jwt.encode(_claims(api, role="root"), secret, algorithm="HS256"),
        "garbage": "not-a-jwt",
    }
    for name, token in bad.items():
        r = await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, name
        assert r.json()["error"]["type"] == "unauthorized"
    assert (await api.http.get("/v1/scenarios")).status_code == 401
    good = jwt.encode(_claims(api), secret, algorithm="HS256")
    assert (
        await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {good}"})
    ).status_code == 200


async def test_internal_bridge_rejects_missing_wrong_and_wrong_length_keys(api: Api) -> None:
    sid = uuid.uuid4()
    good = api.bridge(sid)["X-Bridge-Token"]
    for headers in (
        {},
        {"X-Bridge-Token": good[:-1] + "x"},
        {"X-Bridge-Token": "short"},
        {"X-Bridge-Token": good + "extra"},
        {"X-Bridge-Token": SERVICE_KEY},
    ):
        r = await api.http.post(
            f"/internal/v1/sessions/{sid}/ended", json={"reason": "agent_shutdown"}, headers=headers
        )
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "invalid bridge credentials for this session"
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown"},
        headers=api.bridge(sid),
    )
    # the credential passes; the bridge reads no database, and a session without a workflow has
    # nothing to end (as for one that finished)
    assert r.status_code == 202


async def test_bridge_credential_of_one_session_is_refused_on_another(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    scenario = str((await scenario_by_slug(api.sessionmaker, "anxious-college-student")).id)
    a, b = [
        (
            await api.http.post(
                "/v1/sessions",
                json={"scenario_id": scenario, "modality": "voice"},
                headers=api.auth(user),
            )
        ).json()["session_id"]
        for _ in range(2)
    ]
    joined = {"agent_identity": "agent-a"}
    r = await api.http.post(
        f"/internal/v1/sessions/{b}/agent-joined", json=joined, headers=api.bridge(a)
    )
    assert r.status_code == 401
    r = await api.http.post(
        f"/internal/v1/sessions/{b}/ended", json={"reason": "agent_shutdown"}, headers=api.bridge(a)
    )
    assert r.status_code == 401
    r = await api.http.post(
        f"/internal/v1/sessions/{a}/agent-joined", json=joined, headers=api.bridge(a)
    )
    assert r.status_code == 200, r.text
    r = await api.http.get(f"/v1/sessions/{b}", headers=api.auth(user))
    assert r.json()["phase"] == "waiting_for_agent"  # B was never touched
    for sid in (a, b):
        r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
        assert r.status_code == 202


async def test_a_service_key_rotation_accepts_the_previous_key_until_it_is_unset(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    """Rotate without downtime: the API gets the new key with the old one as previous, so the
    agents dispatched with the old key keep talking; once it is unset, the old key is refused."""
    sid, new = uuid.uuid4(), "n" * 48
    url = f"/internal/v1/sessions/{sid}/ended"
    old_token = {"X-Bridge-Token": session_bridge_token(SERVICE_KEY, sid)}
    new_token = {"X-Bridge-Token": session_bridge_token(new, sid)}
    body = {"reason": "agent_shutdown"}
    async with running_api(
        client, sessionmaker, database_url, tmp_path,
        internal_service_key=new, internal_service_key_previous=SERVICE_KEY,
    ) as api:  # fmt: skip
        assert (await api.http.post(url, json=body, headers=old_token)).status_code == 202
        assert (await api.http.post(url, json=body, headers=new_token)).status_code == 202
        wrong = {"X-Bridge-Token": session_bridge_token("w" * 48, sid)}
        assert (await api.http.post(url, json=body, headers=wrong)).status_code == 401
    async with running_api(
        client, sessionmaker, database_url, tmp_path, internal_service_key=new
    ) as api:
        assert (await api.http.post(url, json=body, headers=old_token)).status_code == 401
        assert (await api.http.post(url, json=body, headers=new_token)).status_code == 202
