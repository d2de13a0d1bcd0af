"""Looking for a conversation's text everywhere it could be: every text column of every table, a
run's Temporal history. Shared by the deletion and the retention tests."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.db import retention
from core.db.engine import SessionMaker
from tests.api_harness import Api
from tests.helpers import eventually, scenario_by_slug
from workflows.interface import workflow_id

SLUG = "anxious-college-student"


async def tables_holding(api: Api, marker: str) -> list[str]:
    """Every text, varchar and jsonb column of every table of ours that holds the marker."""
    async with api.sessionmaker() as db:
        columns = (
            await db.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type IN "
                    "('text', 'character varying', 'jsonb', 'json')"
                )
            )
        ).all()
        found = []
        for table, column in columns:
            hit = await db.scalar(
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :m'),
                {"m": f"%{marker}%"},
            )
            if hit:
                found.append(f"{table}.{column}")
        return found


async def history_holds(client: Client, sid: str, marker: str) -> bool:
    history = await client.get_workflow_handle(workflow_id(uuid.UUID(sid))).fetch_history()
    return any(marker.encode() in event.SerializeToString() for event in history.events)


async def history_gone(client: Client, sid: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id(uuid.UUID(sid))).fetch_history()
    except RPCError as e:
        return e.status == RPCStatusCode.NOT_FOUND
    return False


async def until_gone(client: Client, sid: str) -> None:
    # Temporal deletes a history asynchronously, once the run's close task is acknowledged: the
    # test server acknowledges every second (UNTHROTTLED_DEV_SERVER_ARGS), so a few seconds; the
    # bound is for the condition, not a timing claim, and sits well inside the test's timeout
    await eventually(lambda: history_gone(client, sid), timeout=60)


async def practise(api: Api, user: str, line: str) -> str:
    """A text practice session in which the trainee says `line` and two more things."""
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    r = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": str(scenario.id), "modality": "text"},
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    sid: str = r.json()["session_id"]
    for said in (line, "What feels hardest about it right now?", "That sounds exhausting."):
        r = await api.http.post(
            f"/v1/sessions/{sid}/messages", json={"text": said}, headers=api.auth(user)
        )
        assert r.status_code == 200, r.text
    return sid


async def keep_transcripts_forever(sessionmaker: SessionMaker) -> None:
    """The retention policy back at its default (test setup: the policy is the deployment's one
    row, shared by every test of the session)."""
    async with sessionmaker() as db:
        await retention.set_transcript_days(db, None, "tests")
        await db.commit()
