"""VOICETRAIN_JWT_ORG_CLAIM: the organisation read from where a company IdP puts it (Entra ID's
tenant id "tid", a nested custom claim), so each organisation's scenarios stay its own; with a
path configured, a token without an organisation there is refused (401), never put in a shared
default organisation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.scenarios.library import load_library
from tests.api_harness import Api, running_api


@pytest.fixture
async def api(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> AsyncIterator[Api]:
    async with running_api(
        client, sessionmaker, database_url, tmp_path, jwt_org_claim="tenant.id"
    ) as a:
        yield a


def _token(api: Api, sub: str, **claims: object) -> dict[str, str]:
    assert api.settings.jwt_secret is not None
    now = datetime.now(UTC)
    body = {"sub": sub, "role": "supervisor", "iss": api.settings.jwt_issuer,
            "aud": api.settings.jwt_audience, "iat": now, "exp": now + timedelta(minutes=5),
            **claims}  # fmt: skip
    token = jwt.encode(body, api.settings.jwt_secret.get_secret_value(), algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def _doc(slug: str) -> dict[str, Any]:
    doc = next(d for d in load_library() if d.slug == "anxious-college-student").model_dump(
        mode="json"
    )
    doc["slug"], doc["title"] = slug, f"Authored {slug}"
    return doc


async def test_the_organisation_is_read_at_the_configured_claim_path(api: Api) -> None:
    slug = f"tenant-{uuid.uuid4().hex[:8]}"
    acme = _token(api, "sup-a", tenant={"id": "acme-tenant"})
    r = await api.http.post("/v1/scenarios", json=_doc(slug), headers=acme)
    assert r.status_code == 201, r.text
    made = r.json()["id"]
    # the same tenant (another supervisor) sees it; another tenant does not, even when its
    # token also carries a top-level "org" naming the first one
    same = _token(api, "sup-b", tenant={"id": "acme-tenant"})
    assert (await api.http.get(f"/v1/scenarios/{made}", headers=same)).status_code == 200
    other = _token(api, "sup-c", tenant={"id": "globex-tenant"}, org="acme-tenant")
    assert (await api.http.get(f"/v1/scenarios/{made}", headers=other)).status_code == 404

    for claims in ({}, {"org": "acme-tenant"}, {"tenant": {"id": ""}}, {"tenant": {"id": 7}}):
        r = await api.http.get("/v1/scenarios", headers=_token(api, "sup-x", **claims))
        assert r.status_code == 401, claims
        assert r.json()["error"]["type"] == "unauthorized"
