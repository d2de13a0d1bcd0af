"""The agent's bridge refuses a malformed batch whole: 422 naming the field, nothing of it
recorded (issue 24's probe classes: a speaker outside the enum, a number as a string, a naive
timestamp, an unknown field)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from temporalio.client import Client

from tests.api_harness import Api
from tests.strict_helpers import finish, joined_voice_session, stored_turns, turns_json


def _probe(field: str, value: Any) -> dict[str, Any]:
    turn = turns_json(1, start_seq=0)[0]
    return {**turn, field: value}


PROBES = [
    ("speaker", _probe("speaker", "narrator"), "turns.1.speaker"),
    ("seq as a string", _probe("seq", "1"), "turns.1.seq"),
    ("seq as a bool", _probe("seq", True), "turns.1.seq"),
    ("seq as a float", _probe("seq", 1.0), "turns.1.seq"),
    ("naive started_at", _probe("started_at", "2026-01-01T10:00:00"), "turns.1.started_at"),
    ("naive ended_at", _probe("ended_at", "2026-01-01T10:00:08"), "turns.1.ended_at"),
    ("unknown field", _probe("confidence", 0.9), "turns.1.confidence"),
    ("not an object", "hello", "turns.1"),
]


@pytest.mark.parametrize(("name", "bad", "where"), PROBES, ids=[p[0] for p in PROBES])
async def test_a_malformed_turn_refuses_its_whole_batch(
    api: Api, client: Client, name: str, bad: Any, where: str
) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = await joined_voice_session(api, user)
    good = turns_json(3)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/turns",
        json={"turns": [good[0], bad, good[2]]},
        headers=api.bridge(sid),
    )
    assert r.status_code == 422, (name, r.text)
    assert r.json()["error"]["type"] == "invalid_request"
    assert where in r.json()["error"]["message"], r.text
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/turns", json={"turns": turns_json(2)}, headers=api.bridge(sid)
    )
    assert r.status_code == 202, r.text
    status = await finish(api, client, sid)
    # nothing of the refused batch reached the workflow: no turn stored, none counted as dropped
    assert status.dropped_turns == 0
    assert [seq for seq, _ in await stored_turns(api, sid)] == [0, 1]


async def test_an_unknown_field_at_the_top_of_a_batch_is_refused(api: Api) -> None:
    sid = await joined_voice_session(api, f"u-{uuid.uuid4()}")
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/turns",
        json={"turns": turns_json(1), "priority": "high"},
        headers=api.bridge(sid),
    )
    assert r.status_code == 422, r.text
    assert "priority" in r.json()["error"]["message"]
    await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(f"u-{uuid.uuid4()}"))


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"reason": "agent_shutdown", "final_turn_count": "2"}, "final_turn_count"),
        ({"reason": "agent_shutdown", "final_turn_count": True}, "final_turn_count"),
        ({"reason": "coffee_break"}, "reason"),
        ({"reason": "agent_shutdown", "note": "x"}, "note"),
    ],
)
async def test_a_malformed_end_is_refused_and_ends_nothing(
    api: Api, client: Client, body: dict[str, Any], where: str
) -> None:
    sid = await joined_voice_session(api, f"u-{uuid.uuid4()}")
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended", json=body, headers=api.bridge(sid)
    )
    assert r.status_code == 422, r.text
    assert where in r.json()["error"]["message"]
    # the conversation still takes turns: the refused end did not reach the workflow (an ended
    # conversation stores no later turn)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/turns", json={"turns": turns_json(2)}, headers=api.bridge(sid)
    )
    assert r.status_code == 202, r.text
    await finish(api, client, sid)
    assert [seq for seq, _ in await stored_turns(api, sid)] == [0, 1]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"agent_identity": 7}, "agent_identity"),
        ({"agent_identity": "agent-a", "version": "2"}, "version"),
        ({}, "agent_identity"),
    ],
)
async def test_a_malformed_join_is_refused(api: Api, body: dict[str, Any], where: str) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = await joined_voice_session(api, user)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json=body, headers=api.bridge(sid)
    )
    assert r.status_code == 422, r.text
    assert where in r.json()["error"]["message"]
    await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"max_attempts": "3"}, "max_attempts"),
        ({"max_attempts": 3.0}, "max_attempts"),
        ({"review_required": 1}, "review_required"),
        ({"min_score": "80"}, "min_score"),
        ({"due_at": "2030-01-01T10:00:00"}, "due_at"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_a_loose_assignment_is_refused(api: Api, body: dict[str, Any], where: str) -> None:
    scenario = (await api.http.get("/v1/scenarios", headers=api.auth("lead-x"))).json()
    first = scenario["items"][0]["id"] if isinstance(scenario, dict) else scenario[0]["id"]
    full = {"scenario_id": first, "trainee_id": f"u-{uuid.uuid4()}", **body}
    r = await api.http.post("/v1/assignments", json=full, headers=api.auth("root", "admin"))
    assert r.status_code == 422, r.text
    assert where in r.json()["error"]["message"]
