"""Small steps for the supervision tests through the REST API (not fixtures): users, assignments,
sessions conversed over the HTTP bridge, and waits for a phase or an assignment's status."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.api_harness import Api
from tests.helpers import eventually, make_turns, scenario_by_slug

SLUG = "anxious-college-student"


def user_ids(n: int) -> list[str]:
    return [f"u-{uuid.uuid4()}" for _ in range(n)]


async def scenario_id(api: Api) -> str:
    return str((await scenario_by_slug(api.sessionmaker, SLUG)).id)


async def assign(api: Api, supervisor: str, trainee: str, **body: Any) -> Any:
    return await api.http.post(
        "/v1/assignments",
        json={"scenario_id": await scenario_id(api), "trainee_id": trainee, **body},
        headers=api.auth(supervisor, "supervisor"),
    )


async def start(api: Api, trainee: str, **body: str) -> Any:
    return await api.http.post(
        "/v1/sessions",
        json=body or {"scenario_id": await scenario_id(api)},
        headers=api.auth(trainee),
    )


async def converse_over_bridge(api: Api, sid: str) -> None:
    """The agent joins over the HTTP bridge, twelve turns, then the end."""
    key = api.bridge(sid)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json={"agent_identity": "a"}, headers=key
    )
    assert r.status_code == 200, r.text
    turns = {"turns": [t.model_dump(mode="json") for t in make_turns(12)]}
    assert (
        await api.http.post(f"/internal/v1/sessions/{sid}/turns", json=turns, headers=key)
    ).status_code == 202
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown", "final_turn_count": 12},
        headers=key,
    )
    assert r.status_code == 202


async def until_phase(api: Api, sid: str, user: str, want: str) -> dict[str, Any]:
    for _ in range(600):
        r = await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
        if r.json()["phase"] == want:
            body: dict[str, Any] = r.json()
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"session {sid} never reached {want}")


async def assignment_status(api: Api, trainee: str, assignment: str) -> str:
    items = (await api.http.get("/v1/assignments", headers=api.auth(trainee))).json()["items"]
    return str(next(a["status"] for a in items if a["id"] == assignment))


async def until_status(api: Api, trainee: str, assignment: str, want: str) -> None:
    """The status is derived from the rows, which follow the workflow's phase within moments."""

    async def reached() -> bool:
        return await assignment_status(api, trainee, assignment) == want

    await eventually(reached)
