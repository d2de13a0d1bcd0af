"""A live voice session driven over the agent's HTTP bridge, for the strict-contract tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from temporalio.client import Client

from core.contracts.workflow import SessionStatus
from core.db.models import TranscriptTurn
from tests.api_harness import Api
from tests.helpers import make_turns, scenario_by_slug
from workflows import interface


async def joined_voice_session(api: Api, user: str) -> str:
    scenario = await scenario_by_slug(api.sessionmaker, "anxious-college-student")
    r = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": str(scenario.id), "modality": "voice"},
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    sid: str = r.json()["session_id"]
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined",
        json={"agent_identity": "agent-a"},
        headers=api.bridge(sid),
    )
    assert r.status_code == 200, r.text
    return sid


def turns_json(n: int, start_seq: int = 0) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json") for t in make_turns(n, start_seq=start_seq)]


async def finish(api: Api, client: Client, sid: str) -> SessionStatus:
    """End the conversation over the bridge and wait for the run: its final status."""
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown"},
        headers=api.bridge(sid),
    )
    assert r.status_code == 202, r.text
    handle = interface.session_handle(client, uuid.UUID(sid))
    await handle.result()
    return await interface.STATUS.ask(handle)


async def stored_turns(api: Api, sid: str) -> list[tuple[int, str]]:
    async with api.sessionmaker() as db:
        rows = await db.execute(
            select(TranscriptTurn.seq, TranscriptTurn.text)
            .where(TranscriptTurn.session_id == uuid.UUID(sid))
            .order_by(TranscriptTurn.seq)
        )
    return [(seq, text) for seq, text in rows.all()]
