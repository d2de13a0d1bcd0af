"""The REST contract through HTTP into the real app, with real Temporal and Postgres."""

from __future__ import annotations

import asyncio
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
from sqlalchemy import func, select
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.db.models import TranscriptTurn
from tests.api_harness import LIVEKIT_SECRET, SERVICE_KEY, Api, running_api
from tests.conftest import scenario_by_slug
from tests.helpers import make_turns


@pytest.fixture
async def api(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> AsyncIterator[Api]:
    async with running_api(client, sessionmaker, database_url, tmp_path) as a:
        yield a


async def _scenario_id(api: Api, slug: str = "anxious-college-student") -> str:
    return str((await scenario_by_slug(api.sessionmaker, slug)).id)


async def _start(api: Api, user: str, **body: str) -> dict[str, object]:
    r = await api.http.post(
        "/v1/sessions",
        json=body or {"scenario_id": await _scenario_id(api)},
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    data: dict[str, object] = r.json()
    return data


def _turn_json(turns: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {"turns": [t.model_dump(mode="json") for t in turns]}


async def test_full_session_over_the_http_bridge(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    created = await _start(api, user)
    assert created["livekit"] is None
    assert created["attempt"] == 1
    sid = created["session_id"]
    key = {"X-Internal-Service-Key": SERVICE_KEY}

    r = await api.http.get(f"/v1/sessions/{sid}/evaluation", headers=api.auth(user))
    assert r.status_code == 202
    assert r.json()["status"] == "in_conversation"
    assert int(r.headers["Retry-After"]) > 0

    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json={"agent_identity": "agent-a"}, headers=key
    )
    assert r.status_code == 200, r.text
    assert r.json()["opening_line"]

    turns = make_turns(12)
    for _ in range(2):  # delivered twice: stored once
        r = await api.http.post(
            f"/internal/v1/sessions/{sid}/turns", json=_turn_json(turns), headers=key
        )
        assert r.status_code == 202

    r = await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
    assert (r.status_code, r.json()["phase"], r.json()["turn_count"]) == (
        200,
        "in_conversation",
        12,
    )

    waiter = asyncio.create_task(
        api.http.get(f"/v1/sessions/{sid}/evaluation?wait=30", headers=api.auth(user))
    )
    await asyncio.sleep(0.2)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown", "final_turn_count": 12},
        headers=key,
    )
    assert r.status_code == 202
    evaluation = await waiter  # the long-poll returns as soon as the evaluation lands
    assert evaluation.status_code == 200, evaluation.text
    body = evaluation.json()
    assert body["session_id"] == sid
    assert 0 <= body["overall_score"] <= 100
    assert body["evaluator"]["name"] == "voicetrain-conversation"
    assert isinstance(body["red_flags"], list)
    assert isinstance(body["needs_review"], bool)

    r = await api.http.get(f"/v1/sessions/{sid}/transcript", headers=api.auth(user))
    assert [t["seq"] for t in r.json()["turns"]] == list(range(12))
    async with api.sessionmaker() as db:
        assert (
            await db.scalar(
                select(func.count()).where(TranscriptTurn.session_id == uuid.UUID(str(sid)))
            )
            == 12
        )

    for _ in range(2):
        r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
        assert r.status_code == 202
    # the workflow has finished: a late end is a no-op, late turns are refused as a conflict
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended", json={"reason": "room_finished"}, headers=key
    )
    assert r.status_code == 202
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/turns",
        json=_turn_json(make_turns(1, start_seq=12)),
        headers=key,
    )
    assert r.status_code == 409
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json={"agent_identity": "late"}, headers=key
    )
    assert r.status_code == 409
    r = await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
    assert (r.json()["status"], r.json()["evaluation_status"]) == ("completed", "ready")


async def test_ended_without_conversation_is_permanently_409(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = (await _start(api, user))["session_id"]
    assert (
        await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
    ).status_code == 202
    r = await api.http.get(f"/v1/sessions/{sid}/evaluation?wait=20", headers=api.auth(user))
    assert r.status_code == 409
    assert r.json()["error"]["type"] == "no_evaluation"
    assert r.json()["error"]["retryable"] is False


async def test_idempotency_key_replays_and_rejects_a_different_body(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    headers = {**api.auth(user), "Idempotency-Key": "attempt-1"}
    body = {"scenario_id": await _scenario_id(api)}
    first = await api.http.post("/v1/sessions", json=body, headers=headers)
    second = await api.http.post("/v1/sessions", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    other = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": await _scenario_id(api, "parent-acute-grief")},
        headers=headers,
    )
    assert other.status_code == 422
    # the same key from another user is another session
    third = await api.http.post(
        "/v1/sessions",
        json=body,
        headers={**api.auth(f"u-{uuid.uuid4()}"), "Idempotency-Key": "attempt-1"},
    )
    assert third.json()["session_id"] != first.json()["session_id"]


async def test_start_errors_map_to_403_404_409_422(api: Api) -> None:
    trainee, intruder, supervisor = (f"u-{uuid.uuid4()}" for _ in range(3))
    await api.http.get("/v1/scenarios", headers=api.auth(trainee))  # provisions the trainee
    r = await api.http.post(
        "/v1/assignments",
        json={"scenario_id": await _scenario_id(api), "trainee_id": trainee, "max_attempts": 1},
        headers=api.auth(supervisor, "supervisor"),
    )
    assert r.status_code == 201, r.text
    assignment = r.json()["id"]
    r = await api.http.post(
        "/v1/sessions", json={"assignment_id": assignment}, headers=api.auth(intruder)
    )
    assert (r.status_code, r.json()["error"]["type"]) == (403, "forbidden")
    r = await api.http.post(
        "/v1/sessions", json={"scenario_id": str(uuid.uuid4())}, headers=api.auth(trainee)
    )
    assert (r.status_code, r.json()["error"]["type"]) == (404, "not_found")
    assert (
        await api.http.post(
            "/v1/sessions", json={"assignment_id": assignment}, headers=api.auth(trainee)
        )
    ).status_code == 201
    r = await api.http.post(
        "/v1/sessions", json={"assignment_id": assignment}, headers=api.auth(trainee)
    )
    assert (r.status_code, r.json()["error"]["type"]) == (409, "attempts_exhausted")
    mine = (await api.http.get("/v1/assignments", headers=api.auth(trainee))).json()["items"]
    assert [(a["id"], a["attempts_used"], a["max_attempts"]) for a in mine] == [(assignment, 1, 1)]
    assert (await api.http.get("/v1/assignments", headers=api.auth(intruder))).json()["items"] == []
    r = await api.http.post("/v1/sessions", json={}, headers=api.auth(trainee))
    assert (r.status_code, r.json()["error"]["type"]) == (422, "invalid_request")
    r = await api.http.post(
        "/v1/sessions",
        content=b"{not json",
        headers={**api.auth(trainee), "content-type": "application/json"},
    )
    assert r.status_code == 422
    # a trainee cannot create assignments
    r = await api.http.post(
        "/v1/assignments",
        json={"scenario_id": await _scenario_id(api), "trainee_id": trainee},
        headers=api.auth(trainee),
    )
    assert r.status_code == 403


async def test_other_users_sessions_are_404_and_supervisors_see_only_assignees(api: Api) -> None:
    owner, stranger, supervisor, other_supervisor = (f"u-{uuid.uuid4()}" for _ in range(4))
    await api.http.get("/v1/scenarios", headers=api.auth(owner))
    r = await api.http.post(
        "/v1/assignments",
        json={"scenario_id": await _scenario_id(api), "trainee_id": owner},
        headers=api.auth(supervisor, "supervisor"),
    )
    sid = (await _start(api, owner, assignment_id=r.json()["id"]))["session_id"]
    for method, path in [
        ("GET", f"/v1/sessions/{sid}"),
        ("GET", f"/v1/sessions/{sid}/transcript"),
        ("POST", f"/v1/sessions/{sid}/end"),
        ("GET", f"/v1/sessions/{sid}/evaluation"),
    ]:
        for intruder, role in ((stranger, "trainee"), (other_supervisor, "supervisor")):
            r = await api.http.request(method, path, headers=api.auth(intruder, role))  # type: ignore[arg-type]
            assert r.status_code == 404, (method, path, role)
    assert (
        await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(supervisor, "supervisor"))
    ).status_code == 200
    listed = (
        await api.http.get("/v1/sessions", headers=api.auth(supervisor, "supervisor"))
    ).json()["items"]
    assert [s["session_id"] for s in listed] == [sid]
    assert (
        await api.http.get("/v1/sessions", headers=api.auth(other_supervisor, "supervisor"))
    ).json()["items"] == []
    assert sid in [
        s["session_id"]
        for s in (
            await api.http.get("/v1/sessions?limit=100", headers=api.auth("root", "admin"))
        ).json()["items"]
    ]


async def test_session_listing_paginates(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    ids = [(await _start(api, user))["session_id"] for _ in range(3)]
    page1 = (await api.http.get("/v1/sessions?limit=2", headers=api.auth(user))).json()
    page2 = (
        await api.http.get(
            f"/v1/sessions?limit=2&cursor={page1['next_cursor']}", headers=api.auth(user)
        )
    ).json()
    assert [s["session_id"] for s in page1["items"] + page2["items"]] == list(reversed(ids))
    assert page2["next_cursor"] is None


def _claims(api: Api, **over: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": "someone", "role": "trainee", "iss": api.settings.jwt_issuer, "aud": api.settings.jwt_audience,
        "iat": now, "exp": now + timedelta(minutes=5),
    }  # fmt: skip
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
    for headers in ({}, {"X-Internal-Service-Key": SERVICE_KEY[:-1] + "x"}, {"X-Internal-Service-Key": "short"},
                    {"X-Internal-Service-Key": SERVICE_KEY + "extra"}):  # fmt: skip
        r = await api.http.post(
            f"/internal/v1/sessions/{sid}/ended", json={"reason": "agent_shutdown"}, headers=headers
        )
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "invalid service credentials"
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown"},
        headers={"X-Internal-Service-Key": SERVICE_KEY},
    )
    assert r.status_code == 404


async def test_scenarios_ops_and_limits(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    listed = (await api.http.get("/v1/scenarios", headers=api.auth(user))).json()
    assert {s["slug"] for s in listed} >= {
        "anxious-college-student",
        "suicide-risk-assessment",
        "parent-acute-grief",
        "drinking-ambivalence-mi",
    }
    detail = (await api.http.get(f"/v1/scenarios/{listed[0]['id']}", headers=api.auth(user))).json()
    assert len(detail["criteria"]) >= 5
    assert (
        await api.http.get(f"/v1/scenarios/{uuid.uuid4()}", headers=api.auth(user))
    ).status_code == 404
    assert (await api.http.get("/healthz")).status_code == 200
    ready = await api.http.get("/readyz")
    assert (ready.status_code, ready.json()["checks"]) == (
        200,
        {"database": True, "temporal": True},
    )
    await _start(api, user)
    metrics = (await api.http.get("/metrics")).text
    assert "voicetrain_sessions_started_total 1.0" in metrics
    assert 'route="/v1/sessions"' in metrics
    big = await api.http.post(
        "/v1/sessions", content=b"x" * (api.settings.max_body_bytes + 1), headers=api.auth(user)
    )
    assert (big.status_code, big.json()["error"]["type"]) == (413, "payload_too_large")


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
