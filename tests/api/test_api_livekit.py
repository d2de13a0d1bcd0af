"""LiveKit at the API: the trainee token's grants and the verified webhook ending a session."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path

import jwt
from temporalio.client import Client

from core.db.engine import SessionMaker
from tests.api_harness import LIVEKIT_SECRET, Api, running_api
from tests.helpers import scenario_by_slug


async def _start(api: Api, user: str) -> dict[str, object]:
    scenario = await scenario_by_slug(api.sessionmaker, "anxious-college-student")
    r = await api.http.post(
        "/v1/sessions", json={"scenario_id": str(scenario.id)}, headers=api.auth(user)
    )
    assert r.status_code == 201, r.text
    data: dict[str, object] = r.json()
    return data


async def test_livekit_token_grants_and_webhook(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    from livekit import api as lk

    async with running_api(client, sessionmaker, database_url, tmp_path, livekit=True) as a:
        user = f"u-{uuid.uuid4()}"
        created = await _start(a, user)
        access = created["livekit"]
        assert isinstance(access, dict)
        assert access["url"] == "wss://livekit.example.org"
        claims = jwt.decode(
            access["token"], LIVEKIT_SECRET, algorithms=["HS256"], options={"verify_aud": False}
        )
        video = claims["video"]
        assert claims["sub"] == user
        assert claims["exp"] - claims["nbf"] <= 15 * 60
        assert video["room"] == created["room_name"]
        assert video["roomJoin"] is True
        assert video["canPublishSources"] == ["microphone"]
        assert video["canSubscribe"] is True
        assert video["canPublishData"] is False
        for admin_grant in (
            "roomAdmin",
            "roomCreate",
            "roomList",
            "roomRecord",
            "ingressAdmin",
            "agent",
        ):
            assert not video.get(admin_grant), admin_grant

        body = json.dumps({"event": "room_finished", "room": {"name": created["room_name"]}})
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        good = lk.AccessToken("APIkey123", LIVEKIT_SECRET).with_sha256(digest).to_jwt()
        forged = (
            lk.AccessToken("APIkey123", "wrong-secret-" + "z" * 40).with_sha256(digest).to_jwt()
        )
        headers = {"content-type": "application/webhook+json"}
        r = await a.http.post(
            "/v1/livekit/webhook", content=body, headers={**headers, "Authorization": forged}
        )
        assert r.status_code == 401
        r = await a.http.post(
            "/v1/livekit/webhook", content=body, headers={**headers, "Authorization": good}
        )
        assert r.status_code == 200
        unknown = json.dumps({"event": "room_finished", "room": {"name": "not-ours"}})
        unknown_token = (
            lk.AccessToken("APIkey123", LIVEKIT_SECRET)
            .with_sha256(base64.b64encode(hashlib.sha256(unknown.encode()).digest()).decode())
            .to_jwt()
        )
        r = await a.http.post(
            "/v1/livekit/webhook",
            content=unknown,
            headers={**headers, "Authorization": unknown_token},
        )
        assert r.status_code == 200
        # room_finished ended the conversation: nobody spoke, so no evaluation will exist
        r = await a.http.get(
            f"/v1/sessions/{created['session_id']}/evaluation?wait=20", headers=a.auth(user)
        )
        assert r.status_code == 409
