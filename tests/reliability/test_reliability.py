"""Reliability: poison input never stalls a session, and a killed worker costs seconds (the
retry after a worker SIGKILL comes from a heartbeat timeout or, for the one-statement writes run
as local activities, the workflow task timeout — never a minutes-long start_to_close)."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import ActivityEnvironment

from activities.session import SessionActivities
from core.contracts.activities import PersistTurns
from core.contracts.conversation import AgentJoined, EndConversation, Turn, TurnBatch
from core.contracts.rest import TokenClaims
from core.contracts.workflow import SessionOutcome, StartSession
from core.db.engine import SessionMaker, sync_url
from core.settings import load_settings
from tests.fake_llm_server import Behaviour, fake_llm
from tests.helpers import (
    begin,
    converse,
    db_turns,
    eventually,
    make_turns,
    make_user,
    scenario_by_slug,
)
from tests.worker_faults import (
    as_async,
    pending_started,
    retried_after_heartbeat_timeout,
    worker_process,
)
from worker.main import build_worker
from workflows import interface
from workflows.session import TrainingSessionWorkflow

SLUG = "anxious-college-student"


# --- the contract refuses what Postgres cannot store -------------------------------------------


def test_text_postgres_cannot_store_is_refused_at_the_contract() -> None:
    turn = make_turns(1)[0].model_dump()
    for bad in ("a\x00b", "\ud800 lone surrogate"):
        with pytest.raises(ValidationError):
            Turn.model_validate({**turn, "text": bad})
        with pytest.raises(ValidationError):
            AgentJoined(agent_identity=bad)
    for claims in (
        {"sub": "a\x00b", "role": "trainee"},
        {"sub": "x" * 201, "role": "trainee"},
        {"sub": "u", "role": "trainee", "email": "e" * 321},
        {"sub": "u", "role": "trainee", "name": "n" * 201},
        {"sub": "u", "role": "trainee", "name": "line\nbreak"},
        {"sub": "u", "role": "trainee", "email": 7},
        {"sub": "u", "role": "root"},
    ):
        with pytest.raises(ValidationError):
            TokenClaims.model_validate(claims, strict=True)
    ok = TokenClaims.model_validate({"sub": "u-1", "role": "trainee", "name": "Zoë"}, strict=True)
    assert ok.name == "Zoë"


def test_one_malformed_turn_does_not_take_its_batch_with_it() -> None:
    good = [t.model_dump(mode="json") for t in make_turns(3)]
    bad = {**good[1], "text": "poison\x00"}
    batch = TurnBatch.model_validate({"turns": [good[0], bad, good[2]]})
    assert [t.seq for t in batch.turns] == [0, 2]
    assert [r.seq for r in batch.rejected] == [1]
    assert "NUL" in batch.rejected[0].reason


# --- a permanent data error is quarantined, never retried forever -----------------------------


async def test_persist_turns_quarantines_a_turn_postgres_refuses(
    sessionmaker: SessionMaker,
) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, SLUG)
    start = StartSession(session_id=uuid.uuid4(), user_id=user.id, scenario_id=scenario.id)
    await env.run(acts.create_session, start)
    turns = make_turns(4)
    # as if a peer bypassed the contract: Postgres itself refuses the NUL byte
    turns[2] = Turn.model_construct(**{**turns[2].__dict__, "text": "poi\x00son"})
    result = await env.run(
        acts.persist_turns, PersistTurns.model_construct(session_id=start.session_id, turns=turns)
    )
    assert (result.inserted, result.quarantined) == (3, [2])
    assert [t.seq for t in await db_turns(sessionmaker, start.session_id)] == [0, 1, 3]
    again = await env.run(
        acts.persist_turns, PersistTurns.model_construct(session_id=start.session_id, turns=turns)
    )
    assert (again.inserted, again.quarantined) == (0, [2])  # delivered twice: no duplicate


async def test_a_nul_turn_signalled_to_the_workflow_is_dropped_and_the_session_completes(
    sessionmaker: SessionMaker, client: Client, task_queue: str
) -> None:
    async with build_worker(client, load_settings(env="dev"), sessionmaker, task_queue=task_queue):
        handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
        turns = make_turns(8)
        await converse(handle, turns[:3])
        # the signal path skips the API: a raw payload with NUL text, sent twice
        raw = {"turns": [{**t.model_dump(mode="json"), "text": "x\x00y"} for t in turns[3:4]]}
        for _ in range(2):
            await handle.signal("add_turns", raw)
        await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=turns[4:]))
        await handle.signal(
            TrainingSessionWorkflow.end_conversation,
            EndConversation(reason="trainee_ended", final_turn_count=7),
        )
        outcome = await handle.result()
        status = await handle.query(TrainingSessionWorkflow.status)
    assert outcome.phase == "completed"
    assert outcome.evaluation is not None
    assert status.dropped_turns >= 1
    stored = [t.seq for t in await db_turns(sessionmaker, ready.session_id)]
    assert stored == [0, 1, 2, 4, 5, 6, 7]


# --- a killed worker: the retry comes from the heartbeat timeout ------------------------------


async def test_worker_killed_mid_evaluation_is_replaced_after_a_heartbeat_timeout(
    sessionmaker: SessionMaker, client: Client, task_queue: str, database_url: str, tmp_path: Path
) -> None:
    async with fake_llm() as llm:
        # the first judge call hangs (the worker dies while waiting); later ones are refused,
        # so the replacement worker falls back to the rubric
        llm.behaviours.append(Behaviour(status=500, delay=120))
        llm.behaviours.extend(Behaviour(status=400) for _ in range(5))
        judge_env = {"VOICETRAIN_LLM_BASE_URL": llm.url, "VOICETRAIN_LLM_MODEL": "judge-1"}
        with worker_process(client, database_url, task_queue, tmp_path, **judge_env) as proc:
            handle, _ = await begin(sessionmaker, client, task_queue, SLUG)
            await converse(handle, make_turns(6), end=EndConversation(reason="trainee_ended"))
            await eventually(lambda: pending_started(handle, "evaluate_session"), timeout=60)
            await eventually(as_async(lambda: len(llm.requests) >= 1), timeout=60)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        settings = load_settings(env="dev", llm_base_url=llm.url, llm_model="judge-1")
        from worker.main import judge_from

        async with build_worker(
            client, settings, sessionmaker, task_queue=task_queue, judge=judge_from(settings)
        ):
            outcome: SessionOutcome = await asyncio.wait_for(handle.result(), timeout=90)
    assert outcome.phase == "completed"
    assert outcome.evaluation is not None
    assert await retried_after_heartbeat_timeout(handle, "evaluate_session")


async def _insert_waiting_on_lock(blocker: asyncpg.Connection) -> bool:
    """Another connection waits for a lock on transcript_turns (the worker is in the middle of
    persist_turns, held back by the blocker's lock). pg_locks is live even inside the blocker's
    transaction (pg_stat_activity would answer from a snapshot taken at its first read)."""
    waiting = await blocker.fetchval(
        "SELECT count(*) FROM pg_locks WHERE NOT granted "
        "AND relation = 'transcript_turns'::regclass"
    )
    return bool(waiting)


async def _workflow_task_timed_out(handle: WorkflowHandle[Any, Any]) -> bool:
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            return True
    return False


async def test_worker_killed_mid_persist_is_replaced_after_a_workflow_task_timeout(
    sessionmaker: SessionMaker, client: Client, task_queue: str, database_url: str, tmp_path: Path
) -> None:
    """persist_turns is a local activity: it runs inside the workflow task, so a worker killed in
    the middle of it shows as that task's timeout (seconds), and the replacement worker stores
    the turns again on replay — once each (ON CONFLICT DO NOTHING)."""
    blocker = await asyncpg.connect(sync_url(database_url))
    try:
        with worker_process(client, database_url, task_queue, tmp_path) as proc:
            handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
            await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
            # hold the insert back so the worker dies in the middle of persist_turns
            tx = blocker.transaction()
            await tx.start()
            await blocker.execute("LOCK TABLE transcript_turns IN EXCLUSIVE MODE")
            await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=make_turns(6)))
            await eventually(lambda: _insert_waiting_on_lock(blocker), timeout=60)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            await tx.rollback()
        async with build_worker(
            client, load_settings(env="dev"), sessionmaker, task_queue=task_queue
        ):
            await handle.signal(
                TrainingSessionWorkflow.end_conversation,
                EndConversation(reason="trainee_ended", final_turn_count=6),
            )
            outcome: SessionOutcome = await asyncio.wait_for(handle.result(), timeout=90)
    finally:
        await blocker.close()
    assert outcome.phase == "completed"
    assert outcome.turn_count == 6
    assert [t.seq for t in await db_turns(sessionmaker, ready.session_id)] == list(range(6))
    assert await _workflow_task_timed_out(handle)
