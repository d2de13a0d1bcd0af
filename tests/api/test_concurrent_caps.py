"""Caps and rate limits hold under a concurrent burst: the admission check before the workflow is
check-then-insert, so the race is decided in create_session under a per-trainee lock."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.db.models import TrainingSession
from tests.api_harness import Api, running_api
from tests.helpers import scenario_by_slug

BURST = 10


async def _body(api: Api) -> dict[str, str]:
    scenario = await scenario_by_slug(api.sessionmaker, "anxious-college-student")
    return {"scenario_id": str(scenario.id), "modality": "text"}


async def _burst(api: Api, user: str, body: dict[str, str]) -> list[httpx.Response]:
    await api.http.get("/v1/scenarios", headers=api.auth(user))  # provisioned before the burst
    return list(
        await asyncio.gather(
            *(
                api.http.post("/v1/sessions", json=body, headers=api.auth(user))
                for _ in range(BURST)
            )
        )
    )


async def _end_all(api: Api, user: str, answers: list[httpx.Response]) -> None:
    for r in answers:
        if r.status_code == 201:
            await api.http.post(
                f"/v1/sessions/{r.json()['session_id']}/end", headers=api.auth(user)
            )


async def test_a_concurrent_burst_of_starts_admits_exactly_the_active_cap(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate="100/minute",
        max_active_sessions_per_user=3,
    ) as api:
        user = f"u-{uuid.uuid4()}"
        answers = await _burst(api, user, await _body(api))
        statuses = sorted(r.status_code for r in answers)
        assert statuses == [201] * 3 + [409] * (BURST - 3), [r.text for r in answers]
        for r in answers:
            if r.status_code == 409:
                assert r.json()["error"]["type"] == "too_many_active_sessions", r.text
                assert r.json()["error"]["retryable"] is False
        assert await api.sessions_of(user, active_only=True) == 3
        await _end_all(api, user, answers)


async def test_a_concurrent_burst_over_the_rate_admits_no_more_than_the_rate(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate="2/minute",
        max_active_sessions_per_user=BURST,
    ) as api:
        user = f"u-{uuid.uuid4()}"
        answers = await _burst(api, user, await _body(api))
        statuses = sorted(r.status_code for r in answers)
        assert statuses == [201] * 2 + [429] * (BURST - 2), [r.text for r in answers]
        assert all(r.json()["error"]["type"] == "rate_limited" for r in answers if r.is_error)
        async with api.sessionmaker() as db:
            rows = await db.scalar(
                select(func.count())
                .select_from(TrainingSession)
                .where(TrainingSession.user_id == user)
            )
        assert rows == 2  # no workflow ran for a refused start
        await _end_all(api, user, answers)


async def test_a_start_delivered_twice_at_once_counts_once_against_the_cap(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate="100/minute",
        max_active_sessions_per_user=2,
    ) as api:
        user, body = f"u-{uuid.uuid4()}", await _body(api)
        await api.http.get("/v1/scenarios", headers=api.auth(user))
        keyed = {**api.auth(user), "Idempotency-Key": "twice-at-once"}
        first, second = await asyncio.gather(
            *(api.http.post("/v1/sessions", json=body, headers=keyed) for _ in range(2))
        )
        assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
        assert first.json()["session_id"] == second.json()["session_id"]
        assert await api.sessions_of(user, active_only=True) == 1
        # the repeated delivery took no slot: one more start fits, the one after does not
        other = await api.http.post("/v1/sessions", json=body, headers=api.auth(user))
        assert other.status_code == 201, other.text
        over = await api.http.post("/v1/sessions", json=body, headers=api.auth(user))
        assert over.status_code == 409, over.text
        assert over.json()["error"]["type"] == "too_many_active_sessions"
        await _end_all(api, user, [first, other])
