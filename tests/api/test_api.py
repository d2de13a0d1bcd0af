"""The REST contract through HTTP into the real app, with real Temporal and Postgres."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from core.db.models import TranscriptTurn
from tests.api_harness import Api, make_team
from tests.helpers import make_turns, scenario_by_slug


async def _scenario_id(api: Api, slug: str = "anxious-college-student") -> str:
    return str((await scenario_by_slug(api.sessionmaker, slug)).id)


async def _start(api: Api, user: str, **body: str) -> dict[str, object]:
    r = await api.http.post(
        "/v1/sessions",
        # the agent-bridge tests play a voice session (the default without LiveKit is text)
        json=body or {"scenario_id": await _scenario_id(api), "modality": "voice"},
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
    key = api.bridge(sid)

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
    await make_team(api, supervisor, trainee)
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
    await make_team(api, supervisor, owner)
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
