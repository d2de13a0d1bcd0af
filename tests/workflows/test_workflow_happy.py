"""The session workflow end to end on the real dev server and Postgres."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError
from temporalio.worker import Worker

from activities.session import SessionActivities
from core.contracts.activities import CreatedSession, LoadScenario, ScenarioSnapshot
from core.contracts.conversation import AgentJoined, EndConversation, TurnBatch
from core.contracts.workflow import SessionLimits, StartSession
from core.db.engine import SessionMaker
from core.db.models import EvaluationRow, TrainingSession
from core.settings import load_settings
from tests.helpers import (
    begin,
    db_turns,
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


async def test_full_session_persists_transcript_and_one_evaluation(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, "anxious-college-student")
    handle, ready = await start_session(
        client, task_queue, user_id=user.id, scenario_id=scenario.id
    )
    assert ready.scenario.slug == "anxious-college-student"
    assert ready.attempt == 1

    briefing = await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
    assert briefing.opening_line == scenario.opening_line
    assert briefing.persona_prompt == scenario.persona_prompt

    turns = make_turns(50)
    for turn in turns:
        await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=[turn]))

    # incremental persistence: the turns reach Postgres while the conversation is still running
    async def persisted() -> bool:
        return len(await db_turns(sessionmaker, ready.session_id)) == 50

    await eventually(persisted)
    assert (await handle.query(TrainingSessionWorkflow.status)).phase == "in_conversation"

    await handle.signal(
        TrainingSessionWorkflow.end_conversation,
        EndConversation(reason="trainee_ended", final_turn_count=50),
    )
    outcome = await handle.result()
    assert outcome.phase == "completed"
    assert outcome.turn_count == 50
    assert outcome.evaluation is not None

    stored = await db_turns(sessionmaker, ready.session_id)
    assert [(t.seq, t.speaker, t.text, t.started_at) for t in stored] == [
        (t.seq, t.speaker, t.text, t.started_at) for t in turns
    ]
    async with sessionmaker() as db:
        count = await db.scalar(
            select(func.count()).where(EvaluationRow.session_id == ready.session_id)
        )
        session = await db.get(TrainingSession, ready.session_id)
    assert count == 1
    assert session is not None
    assert (session.status, session.phase, session.end_reason, session.turn_count) == (
        "completed",
        "completed",
        "trainee_ended",
        50,
    )
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.evaluation_status == "ready"
    assert status.persisted_turn_count == 50
    await keep_history(handle, "full_session")


async def test_duplicated_shuffled_turns_are_stored_once_in_order(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    handle, ready = await begin(sessionmaker, client, task_queue, "parent-acute-grief")
    await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
    turns = make_turns(30)
    deliveries = turns + turns
    random.Random(7).shuffle(deliveries)
    await asyncio.gather(
        *(
            handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=[t]))
            for t in deliveries
        )
    )
    await handle.signal(
        TrainingSessionWorkflow.end_conversation,
        EndConversation(reason="trainee_ended", final_turn_count=30),
    )
    # the end signal delivered twice is a no-op
    await handle.signal(
        TrainingSessionWorkflow.end_conversation, EndConversation(reason="room_finished")
    )
    outcome = await handle.result()
    assert outcome.turn_count == 30
    assert outcome.end_reason == "trainee_ended"
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [t.seq for t in stored] == list(range(30))
    assert [t.text for t in stored] == [t.text for t in turns]
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.dropped_turns == 0
    await keep_history(handle, "duplicated_shuffled_turns")


async def test_start_activities_run_concurrently(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    """create_session and load_scenario (local activities: markers, not scheduled events, in the
    history) are proven concurrent by a rendezvous: each waits until the other has started, so
    run one after the other they would time out and the start would fail."""
    real = SessionActivities(sessionmaker, None)
    started = {"create_session": asyncio.Event(), "load_scenario": asyncio.Event()}

    async def meet(me: str, other: str) -> None:
        started[me].set()
        await asyncio.wait_for(started[other].wait(), timeout=3)

    @activity.defn(name="create_session")
    async def create_session(start: StartSession) -> CreatedSession:
        await meet("create_session", "load_scenario")
        return await real.create_session(start)

    @activity.defn(name="load_scenario")
    async def load_scenario(request: LoadScenario) -> ScenarioSnapshot:
        await meet("load_scenario", "create_session")
        return await real.load_scenario(request)

    acts: list[Callable[..., Any]] = [
        create_session,
        load_scenario,
        real.mark_phase,
        real.close_room,
        real.dispatch_agent,
    ]
    async with Worker(
        client, task_queue=task_queue, workflows=[TrainingSessionWorkflow], activities=acts
    ):
        handle, ready = await begin(sessionmaker, client, task_queue, "anxious-college-student")
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):  # cancelled
            await handle.result()
    # compensation: the cancelled session is abandoned (and its room closed), not left active
    async with sessionmaker() as db:
        row = await db.get(TrainingSession, ready.session_id)
    assert row is not None
    assert (row.status, row.phase, row.end_reason) == ("abandoned", "abandoned", "cancelled")
    assert row.ended_at is not None
    events = list((await handle.fetch_history()).events)
    local = [
        json.loads(e.marker_recorded_event_attributes.details["data"].payloads[0].data)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]
    assert sorted(m["activity_type"] for m in local if m["activity_type"] != "mark_phase") == [
        "create_session",
        "load_scenario",
    ]
    assert not any(
        e.activity_task_scheduled_event_attributes.activity_type.name
        in ("create_session", "load_scenario")
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    )


async def test_malformed_and_late_input_is_rejected_or_counted(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    handle, ready = await begin(
        sessionmaker,
        client,
        task_queue,
        "drinking-ambivalence-mi",
        limits=SessionLimits(max_turns=20),
    )
    await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
    # the same agent joining again gets the same briefing; another identity is rejected
    again = await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
    assert again.session_id == ready.session_id
    from temporalio.client import WorkflowUpdateFailedError

    with pytest.raises(WorkflowUpdateFailedError):
        await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="intruder"))

    good = make_turns(4)
    bad_seq = make_turns(1, start_seq=25)[0]
    negative = good[0].model_copy(update={"seq": -1})
    huge = make_turns(1, start_seq=5)[0].model_copy(update={"text": "x" * 5000})
    await handle.signal(
        TrainingSessionWorkflow.add_turns, TurnBatch(turns=[*good, bad_seq, negative, huge])
    )
    await handle.signal(
        TrainingSessionWorkflow.end_conversation,
        EndConversation(reason="trainee_ended", final_turn_count=4),
    )
    outcome = await handle.result()
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.dropped_turns == 3
    assert outcome.turn_count == 4
    assert [t.seq for t in await db_turns(sessionmaker, ready.session_id)] == [0, 1, 2, 3]
    await keep_history(handle, "malformed_and_late_input")


async def test_worker_restart_mid_conversation_loses_nothing(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    settings = load_settings(env="dev")
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, "suicide-risk-assessment")
    turns = make_turns(40)
    async with build_worker(client, settings, sessionmaker, task_queue=task_queue):
        handle, ready = await start_session(
            client, task_queue, user_id=user.id, scenario_id=scenario.id
        )
        await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
        for t in turns[:20]:
            await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=[t]))
    # no worker: the signals wait in the server
    for t in turns[20:]:
        await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=[t]))
    await handle.signal(
        TrainingSessionWorkflow.end_conversation,
        EndConversation(reason="trainee_ended", final_turn_count=40),
    )
    async with build_worker(client, settings, sessionmaker, task_queue=task_queue):
        outcome = await handle.result()
    assert outcome.phase == "completed"
    assert [t.seq for t in await db_turns(sessionmaker, ready.session_id)] == list(range(40))
    await keep_history(handle, "worker_restart_mid_conversation")
