"""A repeated start (the same Idempotency-Key) is answered by the workflow's first SessionReady,
never rebuilt from the database."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select, update

from core.db.models import Scenario, TrainingSession
from tests.api_harness import Api
from tests.helpers import scenario_by_slug

SLUG = "anxious-college-student"


async def test_a_repeated_start_gets_the_first_starts_body(api: Api) -> None:
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    user = f"u-{uuid.uuid4()}"
    headers = {**api.auth(user), "Idempotency-Key": "start-1"}
    body = {"scenario_id": str(scenario.id), "modality": "text"}
    first = await api.http.post("/v1/sessions", json=body, headers=headers)
    assert first.status_code == 201, first.text
    # Were the repeat rebuilt from the rows, it would show these edits: it must not.
    async with api.sessionmaker() as db:
        await db.execute(
            update(Scenario)
            .where(Scenario.id == scenario.id)
            .values(title="edited title", opening_line="edited opening line")
        )
        await db.commit()
    try:
        second = await api.http.post("/v1/sessions", json=body, headers=headers)
    finally:
        async with api.sessionmaker() as db:
            await db.execute(
                update(Scenario)
                .where(Scenario.id == scenario.id)
                .values(title=scenario.title, opening_line=scenario.opening_line)
            )
            await db.commit()
    assert second.status_code == 201, second.text
    assert second.json() == first.json()
    assert first.json()["scenario"]["title"] == scenario.title
    assert first.json()["opening_line"] == scenario.opening_line
    await api.http.post(f"/v1/sessions/{first.json()['session_id']}/end", headers=api.auth(user))


async def test_a_start_delivered_twice_at_once_is_one_session(api: Api) -> None:
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    user = f"u-{uuid.uuid4()}"
    headers = {**api.auth(user), "Idempotency-Key": "start-twice"}
    body = {"scenario_id": str(scenario.id), "modality": "text"}
    first, second = await asyncio.gather(
        *(api.http.post("/v1/sessions", json=body, headers=headers) for _ in range(2))
    )
    assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
    assert first.json() == second.json()
    async with api.sessionmaker() as db:
        count = await db.scalar(select(func.count()).where(TrainingSession.user_id == user))
    assert count == 1
    await api.http.post(f"/v1/sessions/{first.json()['session_id']}/end", headers=api.auth(user))


async def test_a_repeated_key_with_another_body_is_refused(api: Api) -> None:
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    other = await scenario_by_slug(api.sessionmaker, "parent-acute-grief")
    user = f"u-{uuid.uuid4()}"
    headers = {**api.auth(user), "Idempotency-Key": "start-2"}
    first = await api.http.post(
        "/v1/sessions", json={"scenario_id": str(scenario.id), "modality": "text"}, headers=headers
    )
    assert first.status_code == 201, first.text
    r = await api.http.post(
        "/v1/sessions", json={"scenario_id": str(other.id), "modality": "text"}, headers=headers
    )
    assert (r.status_code, r.json()["error"]["type"]) == (422, "invalid_request")
    await api.http.post(f"/v1/sessions/{first.json()['session_id']}/end", headers=api.auth(user))
