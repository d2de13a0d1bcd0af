"""A property-based fuzz of the public and internal contracts: arbitrary JSON-ish bodies never
answer 5xx, and a refused request writes nothing (no session row, no turn). The bodies are drawn
by hypothesis (deterministic: derandomized, bounded) and then sent through the real app."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.client import Client

from core.db.engine import SessionMaker
from tests.api_harness import Api, running_api
from tests.helpers import scenario_by_slug
from tests.strict_helpers import finish, joined_voice_session, stored_turns, turns_json
from workflows import interface

# text JSON can carry: no lone surrogates (the client could not encode the body at all)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
) | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
TIMES = JSON | st.sampled_from(["2026-01-01T10:00:00", "2026-01-01T10:00:00Z", "yesterday"])


def _draw(strategy: st.SearchStrategy[Any], n: int = 60) -> list[Any]:
    """`n` examples of `strategy`, the same ones on every run."""
    drawn: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _turn_like(good: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A turn with any field replaced, dropped or added, or no turn at all."""
    field = st.sampled_from(["seq", "speaker", "text", "started_at", "ended_at", "extra"])
    values = JSON | TIMES | st.sampled_from(["trainee", "client", "3", 3, True])
    return JSON | st.tuples(field, values).map(lambda fv: {**good, fv[0]: fv[1]})


def _session_body(scenario_id: str) -> st.SearchStrategy[Any]:
    ids = JSON | st.just(scenario_id) | st.uuids().map(str)
    modality = JSON | st.sampled_from(["voice", "text", "video"])
    return JSON | st.fixed_dictionaries(
        {}, optional={"scenario_id": ids, "assignment_id": ids, "modality": modality, "x": JSON}
    )


async def test_session_starts_and_messages_never_5xx_and_refusals_write_nothing(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate="1000/minute",
        session_start_rate_global="1000/second",
        max_active_sessions_per_user=100,
    ) as api:
        scenario = str((await scenario_by_slug(sessionmaker, "anxious-college-student")).id)
        user = f"u-{uuid.uuid4()}"
        started: list[str] = []
        for body in _draw(_session_body(scenario)):
            before = await api.sessions_of(user)
            r = await api.http.post("/v1/sessions", json=body, headers=api.auth(user))
            assert r.status_code < 500, (body, r.text)
            if r.status_code == 201:
                started.append(r.json()["session_id"])
            else:
                assert await api.sessions_of(user) == before, (body, r.text)
        r = await api.http.post(
            "/v1/sessions",
            json={"scenario_id": scenario, "modality": "text"},
            headers=api.auth(user),
        )
        assert r.status_code == 201, r.text
        text_sid = r.json()["session_id"]
        sent: list[str] = []
        for body in _draw(
            JSON | st.fixed_dictionaries({"text": JSON | TEXT}, optional={"x": JSON})
        ):
            r = await api.http.post(
                f"/v1/sessions/{text_sid}/messages", json=body, headers=api.auth(user)
            )
            assert r.status_code < 500, (body, r.text)
            if r.is_success:
                sent.append(body["text"])
        await api.http.post(f"/v1/sessions/{text_sid}/end", headers=api.auth(user))
        await interface.session_handle(client, uuid.UUID(text_sid)).result()
        trainee_texts = {text for seq, text in await stored_turns(api, text_sid) if seq % 2 == 1}
        assert trainee_texts <= set(sent)  # refused messages left no turn
        for sid in started:
            await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


async def test_the_agent_bridge_never_5xx_and_refused_batches_record_nothing(
    api: Api, client: Client
) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = await joined_voice_session(api, user)
    key = api.bridge(sid)
    good = turns_json(1)[0]
    batches = JSON | st.fixed_dictionaries(
        {"turns": st.lists(_turn_like(good), max_size=3) | JSON}, optional={"x": JSON}
    )
    accepted: set[tuple[int, str]] = set()
    for body in _draw(batches):
        r = await api.http.post(f"/internal/v1/sessions/{sid}/turns", json=body, headers=key)
        assert r.status_code < 500, (body, r.text)
        if r.status_code == 202:
            accepted |= {(t["seq"], t["text"]) for t in body["turns"]}
    joins = JSON | st.fixed_dictionaries({}, optional={"agent_identity": JSON | TEXT, "x": JSON})
    for body in _draw(joins):
        r = await api.http.post(f"/internal/v1/sessions/{sid}/agent-joined", json=body, headers=key)
        assert r.status_code < 500, (body, r.text)
    reasons = JSON | st.sampled_from(["agent_shutdown", "room_finished"])
    ends = JSON | st.fixed_dictionaries(
        {}, optional={"reason": reasons, "final_turn_count": JSON, "x": JSON}
    )
    for body in _draw(ends):
        r = await api.http.post(f"/internal/v1/sessions/{sid}/ended", json=body, headers=key)
        assert r.status_code < 500, (body, r.text)
    await finish(api, client, sid)
    assert set(await stored_turns(api, sid)) <= accepted  # nothing half-written by a refusal
