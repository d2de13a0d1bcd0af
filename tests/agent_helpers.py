"""Small helpers for the agent tests (not fixtures): the scenario library, a trainee reading
lines from a list, and a voice session started through the API for the agent to play."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from core.scenarios.library import load_library
from tests.api_harness import Api
from tests.helpers import scenario_by_slug

LIBRARY = {s.slug: s for s in load_library()}


def lines_of(items: list[str]) -> Callable[[], Awaitable[str | None]]:
    it = iter(items)

    async def next_line() -> str | None:
        return next(it, None)

    return next_line


async def start_voice_session(api: Api, user: str, slug: str) -> uuid.UUID:
    scenario = await scenario_by_slug(api.sessionmaker, slug)
    r = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": str(scenario.id), "modality": "voice"},  # the agent plays it
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["session_id"])
