"""Activities executed directly (in an activity context) against real Postgres: re-execution
with the same input leaves the same rows; business failures are typed and non-retryable."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.livekit_rooms import LiveKitRooms
from activities.session import SessionActivities
from core.contracts.activities import (
    CloseRoom,
    DispatchAgent,
    EvaluateSession,
    LoadScenario,
    MarkPhase,
    PersistTurns,
)
from core.contracts.conversation import AgentJobMetadata
from core.contracts.workflow import StartSession
from core.db.engine import SessionMaker
from core.db.models import Assignment, EvaluationRow, TrainingSession
from core.security import session_bridge_token
from tests.fake_livekit import fake_livekit
from tests.helpers import db_turns, make_turns, make_user, scenario_by_slug


async def _new_session(
    sm: SessionMaker, acts: SessionActivities, env: ActivityEnvironment
) -> uuid.UUID:
    user = await make_user(sm)
    scenario = await scenario_by_slug(sm, "anxious-college-student")
    start = StartSession(session_id=uuid.uuid4(), user_id=user.id, scenario_id=scenario.id)
    first = await env.run(acts.create_session, start)
    second = await env.run(acts.create_session, start)
    assert first == second
    return start.session_id


async def test_create_session_twice_creates_one_row(sessionmaker: SessionMaker) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    session_id = await _new_session(sessionmaker, acts, env)
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).where(TrainingSession.id == session_id)) == 1


async def test_persist_turns_twice_gives_the_same_rows(sessionmaker: SessionMaker) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    session_id = await _new_session(sessionmaker, acts, env)
    turns = make_turns(25)
    first = await env.run(acts.persist_turns, PersistTurns(session_id=session_id, turns=turns))
    before = [(t.seq, t.text) for t in await db_turns(sessionmaker, session_id)]
    second = await env.run(acts.persist_turns, PersistTurns(session_id=session_id, turns=turns))
    after = [(t.seq, t.text) for t in await db_turns(sessionmaker, session_id)]
    assert (first.inserted, second.inserted) == (25, 0)
    assert before == after == [(t.seq, t.text) for t in turns]


async def test_evaluate_session_twice_gives_one_evaluation(sessionmaker: SessionMaker) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    session_id = await _new_session(sessionmaker, acts, env)
    await env.run(acts.persist_turns, PersistTurns(session_id=session_id, turns=make_turns(10)))
    first = await env.run(acts.evaluate_session, EvaluateSession(session_id=session_id))
    second = await env.run(acts.evaluate_session, EvaluateSession(session_id=session_id))
    assert first == second
    async with sessionmaker() as db:
        rows = list(
            await db.scalars(select(EvaluationRow).where(EvaluationRow.session_id == session_id))
        )
        session = await db.get(TrainingSession, session_id)
    assert len(rows) == 1
    assert session is not None
    # the row's status is written by mark_phase alone (the workflow marks completed after this)
    assert session.status == "active"
    await env.run(
        acts.mark_phase, MarkPhase(session_id=session_id, phase="completed", status="completed")
    )
    async with sessionmaker() as db:
        session = await db.get(TrainingSession, session_id)
    assert session is not None
    assert (session.status, session.phase) == ("completed", "completed")


async def test_mark_phase_and_livekit_noops_are_idempotent(
    sessionmaker: SessionMaker, caplog: pytest.LogCaptureFixture
) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    session_id = await _new_session(sessionmaker, acts, env)
    mark = MarkPhase(
        session_id=session_id,
        phase="finalizing",
        ended=True,
        end_reason="trainee_ended",
        turn_count=3,
    )
    await env.run(acts.mark_phase, mark)
    async with sessionmaker() as db:
        first = await db.get(TrainingSession, session_id)
    await env.run(acts.mark_phase, mark)
    async with sessionmaker() as db:
        second = await db.get(TrainingSession, session_id)
    assert first is not None
    assert second is not None
    assert (first.ended_at, first.end_reason, first.phase) == (
        second.ended_at,
        second.end_reason,
        second.phase,
    )
    result = await env.run(
        acts.dispatch_agent, DispatchAgent(session_id=session_id, workflow_id="w", room_name="vt-x")
    )
    assert result.dispatched is False
    with caplog.at_level(logging.INFO, logger="activities.session"):
        await env.run(acts.close_room, CloseRoom(room_name="vt-x"))
    assert "no room to close (vt-x)" in caplog.text


async def test_close_room_deletes_the_room_and_a_missing_room_is_no_error(
    sessionmaker: SessionMaker,
) -> None:
    async with fake_livekit() as lk:
        rooms = LiveKitRooms(
            url=lk.url, api_key="key", api_secret="s" * 40, agent_name="agent", bridge_key="b" * 40
        )
        acts, env = SessionActivities(sessionmaker, rooms), ActivityEnvironment()
        lk.missing.add("vt-gone")
        await env.run(acts.close_room, CloseRoom(room_name="vt-open"))
        await env.run(acts.close_room, CloseRoom(room_name="vt-gone"))  # already closed: fine
    assert lk.deleted == ["vt-open", "vt-gone"]


async def test_dispatch_hands_the_agent_a_credential_for_its_session_only(
    sessionmaker: SessionMaker,
) -> None:
    async with fake_livekit() as lk:
        rooms = LiveKitRooms(
            url=lk.url, api_key="key", api_secret="s" * 40, agent_name="agent", bridge_key="b" * 40
        )
        acts, env = SessionActivities(sessionmaker, rooms), ActivityEnvironment()
        sid = uuid.uuid4()
        request = DispatchAgent(session_id=sid, workflow_id=f"wf-{sid}", room_name=f"vt-{sid}")
        first = await env.run(acts.dispatch_agent, request)
        second = await env.run(acts.dispatch_agent, request)  # delivered twice: one dispatch
    assert first == second
    assert len(lk.dispatches) == 1
    meta = AgentJobMetadata.model_validate_json(lk.dispatches[0].metadata)
    assert (meta.session_id, meta.workflow_id) == (sid, f"wf-{sid}")
    assert meta.bridge_token == session_bridge_token("b" * 40, sid)
    assert meta.bridge_token != session_bridge_token("b" * 40, uuid.uuid4())
    assert "b" * 40 not in lk.dispatches[0].metadata  # never the service key itself


async def test_business_failures_are_typed_and_non_retryable(sessionmaker: SessionMaker) -> None:
    acts, env = SessionActivities(sessionmaker, None), ActivityEnvironment()
    trainee, other, supervisor = [await make_user(sessionmaker) for _ in range(3)]
    scenario = await scenario_by_slug(sessionmaker, "parent-acute-grief")
    async with sessionmaker() as db:
        assignment = Assignment(
            scenario_id=scenario.id,
            trainee_id=trainee.id,
            assigned_by=supervisor.id,
            max_attempts=1,
        )
        db.add(assignment)
        await db.commit()

    with pytest.raises(ApplicationError) as forbidden:
        await env.run(
            acts.create_session,
            StartSession(session_id=uuid.uuid4(), user_id=other.id, assignment_id=assignment.id),
        )
    assert (forbidden.value.type, forbidden.value.non_retryable) == ("Forbidden", True)

    with pytest.raises(ApplicationError) as missing:
        await env.run(acts.load_scenario, LoadScenario(scenario_id=uuid.uuid4()))
    assert (missing.value.type, missing.value.non_retryable) == ("NotFound", True)

    first = StartSession(session_id=uuid.uuid4(), user_id=trainee.id, assignment_id=assignment.id)
    assert (await env.run(acts.create_session, first)).attempt == 1
    with pytest.raises(ApplicationError) as exhausted:
        await env.run(
            acts.create_session,
            StartSession(session_id=uuid.uuid4(), user_id=trainee.id, assignment_id=assignment.id),
        )
    assert (exhausted.value.type, exhausted.value.non_retryable) == ("AttemptsExhausted", True)
    # the refused start left no session behind: only the first attempt exists
    async with sessionmaker() as db:
        assert (
            await db.scalar(
                select(func.count()).where(TrainingSession.assignment_id == assignment.id)
            )
            == 1
        )
