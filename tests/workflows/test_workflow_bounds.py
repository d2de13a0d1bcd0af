"""Timers and bounds on the time-skipping server: join timeout, max duration, no conversation,
turns arriving after the conversation was finalized."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from temporalio import activity
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from core.contracts.activities import EvaluateSession, EvaluationSummary
from core.contracts.conversation import AgentJoined, EndConversation, TurnBatch
from core.contracts.workflow import SessionLimits
from core.db.engine import SessionMaker
from core.db.models import TrainingSession
from core.settings import load_settings
from tests.helpers import (
    begin,
    converse,
    eventually,
    keep_history,
    make_turns,
    make_user,
    scenario_by_slug,
    start_session,
)
from worker.main import build_worker
from workflows import interface
from workflows.session import TrainingSessionWorkflow


@pytest.fixture
async def ts_client(time_env: WorkflowEnvironment) -> Client:
    return time_env.client


@pytest.fixture
async def ts_worker(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str
) -> AsyncIterator[Worker]:
    async with build_worker(
        ts_client, load_settings(env="dev"), sessionmaker, task_queue=task_queue
    ) as w:
        yield w


async def _session_row(sm: SessionMaker, session_id: object) -> TrainingSession:
    async with sm() as db:
        row = await db.get(TrainingSession, session_id)
        assert row is not None
        return row


async def test_agent_never_joins_abandons_the_session(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str, ts_worker: Worker
) -> None:
    handle, ready = await begin(
        sessionmaker, ts_client, task_queue, "anxious-college-student", with_start=False
    )
    outcome = await handle.result()  # the server skips the 60 s join timeout
    assert (outcome.phase, outcome.end_reason) == ("abandoned", "agent_unavailable")
    await keep_history(handle, "agent_never_joins")
    row = await _session_row(sessionmaker, ready.session_id)
    assert (row.status, row.end_reason) == ("abandoned", "agent_unavailable")
    assert row.ended_at is not None


async def test_max_duration_ends_with_time_limit_and_is_evaluated(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str, ts_worker: Worker
) -> None:
    handle, ready = await begin(
        sessionmaker,
        ts_client,
        task_queue,
        "anxious-college-student",
        limits=SessionLimits(max_duration_seconds=600),
        with_start=False,
    )
    briefing = await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="a"))
    assert (
        briefing.deadline - (await handle.describe()).start_time
    ).total_seconds() == pytest.approx(600, abs=5)
    await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=make_turns(6)))
    outcome = await handle.result()
    assert (outcome.phase, outcome.end_reason, outcome.turn_count) == ("completed", "time_limit", 6)
    await keep_history(handle, "max_duration_time_limit")
    row = await _session_row(sessionmaker, ready.session_id)
    assert row.end_reason == "time_limit"


async def test_no_trainee_turns_is_abandoned_without_evaluation(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str, ts_worker: Worker
) -> None:
    handle, ready = await begin(
        sessionmaker, ts_client, task_queue, "parent-acute-grief", with_start=False
    )
    client_only = [t for t in make_turns(6) if t.speaker == "client"]
    await converse(
        handle,
        client_only,
        end=EndConversation(reason="participant_disconnected", final_turn_count=3),
    )
    outcome = await handle.result()
    assert (outcome.phase, outcome.end_reason, outcome.evaluation) == (
        "abandoned",
        "no_conversation",
        None,
    )
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.evaluation_status == "none"


async def test_end_before_agent_joins_is_accepted(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str, ts_worker: Worker
) -> None:
    handle, _ = await begin(
        sessionmaker, ts_client, task_queue, "parent-acute-grief", with_start=False
    )
    await handle.signal(
        TrainingSessionWorkflow.end_conversation, EndConversation(reason="trainee_ended")
    )
    outcome = await handle.result()
    assert (outcome.phase, outcome.end_reason) == ("abandoned", "no_conversation")


async def test_final_turn_count_wait_is_bounded(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str, ts_worker: Worker
) -> None:
    handle, _ = await begin(
        sessionmaker, ts_client, task_queue, "anxious-college-student", with_start=False
    )
    # the agent claims 10 turns but only 4 ever arrive: the workflow waits 30 s, then goes on
    await converse(
        handle, make_turns(4), end=EndConversation(reason="agent_shutdown", final_turn_count=10)
    )
    outcome = await handle.result()
    assert (outcome.phase, outcome.turn_count) == ("completed", 4)


async def test_turns_after_finalize_are_dropped_and_counted(
    ts_client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    """The real workflow with a stand-in evaluate_session (registered under the real name)
    that holds the workflow in `evaluating` while late turns arrive."""
    release = asyncio.Event()

    @activity.defn(name="evaluate_session")
    async def held_evaluation(request: EvaluateSession) -> EvaluationSummary:
        await release.wait()
        return EvaluationSummary(
            session_id=request.session_id,
            overall_score=80,
            passed=True,
            evaluator="stand-in 0",
            fallback=False,
        )

    from activities.session import SessionActivities

    acts = SessionActivities(sessionmaker, None)
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, "anxious-college-student")
    async with Worker(
        ts_client,
        task_queue=task_queue,
        workflows=[TrainingSessionWorkflow],
        activities=[
            acts.create_session,
            acts.load_scenario,
            acts.dispatch_agent,
            acts.close_room,
            acts.persist_turns,
            acts.mark_phase,
            held_evaluation,
        ],
    ):
        handle, _ = await start_session(
            ts_client, task_queue, user_id=user.id, scenario_id=scenario.id, with_start=False
        )
        await converse(
            handle, make_turns(4), end=EndConversation(reason="trainee_ended", final_turn_count=4)
        )

        async def evaluating() -> bool:
            return (await handle.query(TrainingSessionWorkflow.status)).phase == "evaluating"

        await eventually(evaluating)
        await handle.signal(
            TrainingSessionWorkflow.add_turns, TurnBatch(turns=make_turns(2, start_seq=4))
        )
        status = await handle.query(TrainingSessionWorkflow.status)
        assert (status.phase, status.dropped_turns, status.turn_count) == ("evaluating", 2, 4)
        release.set()
        outcome = await handle.result()
    assert outcome.turn_count == 4
