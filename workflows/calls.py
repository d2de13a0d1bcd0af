"""The session workflow's activity calls, each with its policy (workflows/policies.py) and the
summary shown in the Temporal UI, and its bounded waits. Called from workflow code only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.persona import PersonaActivities
    from activities.review import ReviewActivities
    from activities.session import SessionActivities
    from core.contracts.activities import (
        ClientReplyRequest,
        ClientReplyText,
        CloseRoom,
        CreatedSession,
        DispatchAgent,
        EvaluateSession,
        EvaluationSummary,
        LoadScenario,
        MarkPhase,
        MarkReview,
        PersistResult,
        PersistTurns,
        RecordReview,
        ScenarioSnapshot,
    )
    from core.contracts.base import Phase, ReviewStatus, SessionState
    from core.contracts.conversation import Turn
    from core.contracts.review import Review, ReviewResult
    from core.contracts.workflow import StartSession
    from workflows import policies

A = TypeVar("A")
P = TypeVar("P")
R = TypeVar("R")


async def execute(
    method: Callable[[A, P], Awaitable[R]],
    arg: P,
    policy: policies.ActivityPolicy,
    summary: str,
) -> R:
    return await workflow.execute_activity_method(
        method,
        arg,
        start_to_close_timeout=policy.start_to_close,
        schedule_to_close_timeout=policy.schedule_to_close,
        heartbeat_timeout=policy.heartbeat,
        retry_policy=policy.retry,
        summary=summary,
    )


async def execute_local(
    method: Callable[[SessionActivities, P], Awaitable[R]],
    arg: P,
    policy: policies.ActivityPolicy,
    summary: str,
) -> R:
    return await workflow.execute_local_activity_method(
        method,
        arg,
        start_to_close_timeout=policy.start_to_close,
        schedule_to_close_timeout=policy.schedule_to_close,
        retry_policy=policy.retry,
        summary=summary,
    )


# Runs started before this patch scheduled the start activities as normal activities.
START_AS_LOCAL_ACTIVITIES = "start-as-local-activities"
# Runs started before this patch stored turns and phases with normal activities (issue 16: a
# turn then cost a round trip through the server's task queues and two extra workflow tasks).
DB_WRITES_AS_LOCAL_ACTIVITIES = "db-writes-as-local-activities"


async def create_and_load(start: StartSession) -> tuple[CreatedSession, ScenarioSnapshot]:
    """The session row and the scenario snapshot, concurrently (they are independent). As local
    activities they run inside the first workflow task, so `await_ready` is answered from it:
    no round trip through the server's task queues while the trainee waits."""
    if not workflow.patched(START_AS_LOCAL_ACTIVITIES):
        return await asyncio.gather(
            execute(SessionActivities.create_session, start, policies.START, "create session row"),
            execute(
                SessionActivities.load_scenario,
                LoadScenario(scenario_id=start.scenario_id, assignment_id=start.assignment_id),
                policies.START,
                "load scenario snapshot",
            ),
        )
    # Both are awaited to the end even when one fails: a run must not finish (refused) while a
    # local activity is still in flight, or its first task fails instead of answering the refusal.
    created, scenario = await asyncio.gather(
        execute_local(
            SessionActivities.create_session, start, policies.START, "create session row"
        ),
        execute_local(
            SessionActivities.load_scenario,
            LoadScenario(scenario_id=start.scenario_id, assignment_id=start.assignment_id),
            policies.START,
            "load scenario snapshot",
        ),
        return_exceptions=True,
    )
    for outcome in (created, scenario):
        if isinstance(outcome, BaseException):
            raise outcome
    assert isinstance(created, CreatedSession)
    assert isinstance(scenario, ScenarioSnapshot)
    return created, scenario


async def _db_write(
    method: Callable[[SessionActivities, P], Awaitable[R]],
    arg: P,
    policy: policies.ActivityPolicy,
    summary: str,
) -> R:
    """A single-statement write to Postgres (a batch of turns, a phase): a local activity, run by
    the worker inside the workflow task that asked for it (no activity task through the server,
    no second workflow task for its result). A crash of the worker mid-write shows as a workflow
    task timeout (interface.WORKFLOW_TASK_TIMEOUT) and the write is run again on replay by another
    worker; both writes are idempotent."""
    if db_writes_are_local():
        return await execute_local(method, arg, policy, summary)
    return await execute(method, arg, policy, summary)


def db_writes_are_local() -> bool:
    return workflow.patched(DB_WRITES_AS_LOCAL_ACTIVITIES)


def start_failure(err: ActivityError | ApplicationError) -> ApplicationError:
    """What the caller of await_ready is told: the business error's type, else StartFailed.
    (A normal activity's failure arrives as ActivityError wrapping the cause; a local
    activity's business error can arrive as the ApplicationError itself.)"""
    cause = err.cause if isinstance(err, ActivityError) else err
    failure = (
        cause
        if isinstance(cause, ApplicationError) and cause.type
        else ApplicationError(
            "the session could not be started", type="StartFailed", non_retryable=True
        )
    )
    return ApplicationError(failure.message, type=failure.type, non_retryable=True)


async def dispatch_agent(session_id: UUID, room_name: str) -> None:
    await execute(
        SessionActivities.dispatch_agent,
        DispatchAgent(
            session_id=session_id, workflow_id=workflow.info().workflow_id, room_name=room_name
        ),
        policies.LIVEKIT,
        f"dispatch agent to {room_name}",
    )


async def mark(
    session_id: UUID,
    phase: Phase,
    *,
    status: SessionState = "active",
    started: bool = False,
    ended: bool = False,
    end_reason: str | None = None,
    turn_count: int | None = None,
) -> None:
    await _db_write(
        SessionActivities.mark_phase,
        MarkPhase(
            session_id=session_id,
            phase=phase,
            status=status,
            started=started,
            ended=ended,
            end_reason=end_reason,
            turn_count=turn_count,
        ),
        policies.DB_WRITE,
        f"mark session {phase}",
    )


async def close_room(room_name: str) -> None:
    await execute(
        SessionActivities.close_room,
        CloseRoom(room_name=room_name),
        policies.LIVEKIT,
        f"close room {room_name}",
    )


async def persist_turns(session_id: UUID, batch: list[Turn]) -> PersistResult:
    return await _db_write(
        SessionActivities.persist_turns,
        PersistTurns(session_id=session_id, turns=batch),
        policies.PERSIST_TURNS,
        f"persist turns {batch[0].seq}-{batch[-1].seq} ({len(batch)})",
    )


async def evaluate(session_id: UUID, judge_max_attempts: int) -> EvaluationSummary:
    return await execute(
        SessionActivities.evaluate_session,
        EvaluateSession(session_id=session_id, judge_max_attempts=judge_max_attempts),
        policies.EVALUATE,
        "evaluate transcript against the rubric",
    )


async def client_reply(session_id: UUID, trainee_seq: int) -> ClientReplyText:
    return await execute(
        PersonaActivities.client_reply,
        ClientReplyRequest(session_id=session_id, trainee_seq=trainee_seq),
        policies.PERSONA,
        f"client replies to turn {trainee_seq}",
    )


async def record_review(session_id: UUID, review: Review) -> ReviewResult:
    return await execute(
        ReviewActivities.record_review,
        RecordReview(session_id=session_id, review=review),
        policies.DB_WRITE,
        f"record review {review.review_id} by {review.reviewer}",
    )


async def mark_review(
    session_id: UUID, status: ReviewStatus, due_at: datetime | None = None
) -> None:
    await execute(
        ReviewActivities.mark_review,
        MarkReview(session_id=session_id, review_status=status, review_due_at=due_at),
        policies.DB_WRITE,
        f"mark review {status}",
    )


async def wait_until(condition: Callable[[], bool], seconds: float, summary: str) -> bool:
    """Wait for `condition` at most `seconds` (a durable timer named `summary`); False on timeout."""
    try:
        await workflow.wait_condition(
            condition, timeout=timedelta(seconds=seconds), timeout_summary=summary
        )
    except TimeoutError:
        return False
    return True
