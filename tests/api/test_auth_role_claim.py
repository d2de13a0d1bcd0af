"""VOICETRAIN_JWT_ROLE_CLAIM: the role read from where a company IdP puts it — a nested list
(Keycloak's realm_access.roles), a list of app roles (Entra ID's roles) — with the most privileged
voicetrain role winning and other values ignored; no voicetrain role at all is a 401."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from temporalio.client import Client

from core.db.engine import SessionMaker
from tests.api_harness import Api, running_api


@pytest.fixture
async def api(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> AsyncIterator[Api]:
    async with running_api(
        client, sessionmaker, database_url, tmp_path, jwt_role_claim="realm_access.roles"
    ) as a:
        yield a


def _token(api: Api, sub: str, **claims: object) -> dict[str, str]:
    assert api.settings.jwt_secret is not None
    now = datetime.now(UTC)
    body = {"sub": sub, "iss": api.settings.jwt_issuer, "aud": api.settings.jwt_audience,
            "iat": now, "exp": now + timedelta(minutes=5), **claims}  # fmt: skip
    token = jwt.encode(body, api.settings.jwt_secret.get_secret_value(), algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def test_the_role_is_read_at_the_configured_claim_path(api: Api) -> None:
    config = (await api.http.get("/v1/console-config")).json()
    assert config["oidc"] is None  # dev: the console signs in with dev tokens
    supervisor = _token(
        api, "kc-sup", realm_access={"roles": ["offline_access", "trainee", "supervisor"]}
    )
    r = await api.http.get("/v1/reviews", headers=supervisor)  # staff only
    assert r.status_code == 200, r.text
    trainee = _token(api, "kc-trainee", realm_access={"roles": ["trainee", "uma_authorization"]})
    assert (await api.http.get("/v1/scenarios", headers=trainee)).status_code == 200
    assert (await api.http.get("/v1/reviews", headers=trainee)).status_code == 403

    for claims in (
        {"realm_access": {"roles": ["offline_access"]}},  # no voicetrain role
        {"realm_access": {"roles": "guest"}},
        {"role": "admin"},  # the top-level claim is not where this deployment reads it
        {},
    ):
        r = await api.http.get("/v1/scenarios", headers=_token(api, "kc-other", **claims))
        assert r.status_code == 401, claims
        assert r.json()["error"]["type"] == "unauthorized"
