"""Start failures through the workflow, and a session at max_turns within Temporal's limits."""

from __future__ import annotations

import json
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from core.contracts.conversation import EndConversation
from core.contracts.workflow import SessionLimits
from core.db.engine import SessionMaker
from core.db.models import Assignment
from core.settings import load_settings
from tests.helpers import (
    converse,
    db_turns,
    keep_history,
    make_turns,
    make_user,
    scenario_by_slug,
    start_session,
)
from worker.main import build_worker
from workflows.interface import workflow_id


async def _activity_attempts(client: Client, wf_id: str, name: str) -> list[int]:
    """Attempts of activity `name`: from its started events, or (a local activity) its markers."""
    history = await client.get_workflow_handle(wf_id).fetch_history()
    local = [
        json.loads(e.marker_recorded_event_attributes.details["data"].payloads[0].data)
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]
    if any(m.get("activity_type") == name for m in local):
        return [int(m["attempt"]) for m in local if m.get("activity_type") == name]
    scheduled = {
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == name
    }
    return [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
        and e.activity_task_started_event_attributes.scheduled_event_id in scheduled
    ]


async def test_ownership_violation_is_forbidden_and_not_retried(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    trainee, intruder, supervisor = [await make_user(sessionmaker) for _ in range(3)]
    scenario = await scenario_by_slug(sessionmaker, "anxious-college-student")
    async with sessionmaker() as db:
        assignment = Assignment(
            scenario_id=scenario.id, trainee_id=trainee.id, assigned_by=supervisor.id
        )
        db.add(assignment)
        await db.commit()
    session_id = uuid.uuid4()
    async with build_worker(client, load_settings(env="dev"), sessionmaker, task_queue=task_queue):
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await start_session(
                client,
                task_queue,
                user_id=intruder.id,
                assignment_id=assignment.id,
                session_id=session_id,
            )
        cause = failed.value.cause
        assert isinstance(cause, ApplicationError)
        assert cause.type == "Forbidden"
        assert await _activity_attempts(client, workflow_id(session_id), "create_session") == [1]

        with pytest.raises(WorkflowUpdateFailedError) as missing:
            await start_session(client, task_queue, user_id=trainee.id, scenario_id=uuid.uuid4())
        assert isinstance(missing.value.cause, ApplicationError)
        assert missing.value.cause.type == "NotFound"


async def test_max_turns_session_stays_within_history_and_payload_limits(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, "drinking-ambivalence-mi")
    turns = make_turns(1000)
    async with build_worker(client, load_settings(env="dev"), sessionmaker, task_queue=task_queue):
        handle, ready = await start_session(
            client,
            task_queue,
            user_id=user.id,
            scenario_id=scenario.id,
            limits=SessionLimits(max_turns=1000),
        )
        await converse(
            handle,
            turns,
            end=EndConversation(reason="trainee_ended", final_turn_count=1000),
            one_signal_per_turn=True,
        )  # as the agent sends them
        outcome = await handle.result()
    assert outcome.turn_count == 1000
    assert len(await db_turns(sessionmaker, ready.session_id)) == 1000
    # replayed at once, not recorded: at 1000 turns its history is megabytes of JSON
    history = await keep_history(handle, "max_turns_session", record=False)
    events = list(history.events)
    assert len(events) < 10_240
    assert max(e.ByteSize() for e in events) < 256 * 1024
