"""All I/O the TrainingSession workflow needs. Every activity is idempotent under re-execution:
re-running one with the same input leaves the same rows (constraints + ON CONFLICT carry it)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.evaluating import evaluate_and_store
from activities.heartbeat import heartbeating
from activities.judging import LLMJudge
from activities.livekit_rooms import LiveKitRooms
from activities.turn_store import store_turns
from core.contracts.activities import (
    CloseRoom,
    CreatedSession,
    DispatchAgent,
    DispatchResult,
    EvaluateSession,
    EvaluationSummary,
    LoadScenario,
    MarkPhase,
    PersistResult,
    PersistTurns,
    ScenarioSnapshot,
)
from core.contracts.workflow import StartSession
from core.db import queries
from core.db.engine import SessionMaker
from core.db.models import (
    Assignment,
    Scenario,
    TrainingSession,
    User,
)
from persona.engine import offline_source
from workflows.interface import workflow_id

log = logging.getLogger(__name__)


def room_name_for(session_id: uuid.UUID) -> str:
    return f"vt-{session_id}"


def _business(kind: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


class SessionActivities:
    def __init__(
        self,
        sessionmaker: SessionMaker,
        livekit: LiveKitRooms | None,
        judge: LLMJudge | None = None,
        *,
        max_active_sessions: int | None = None,
    ) -> None:
        self.db = sessionmaker
        self.livekit = livekit
        self.judge = judge
        # Settings.max_active_sessions_per_user; None (activity tests) caps nothing.
        self.max_active_sessions = max_active_sessions

    # --- start ------------------------------------------------------------------------------

    @activity.defn(name="create_session")
    async def create_session(self, start: StartSession) -> CreatedSession:
        async with self.db() as db:
            existing = await db.get(TrainingSession, start.session_id)
            if existing is not None:
                if existing.user_id != start.user_id:
                    raise _business("Forbidden", "this session belongs to someone else")
                required = existing.assignment_id is not None and bool(
                    await db.scalar(
                        select(Assignment.review_required).where(
                            Assignment.id == existing.assignment_id
                        )
                    )
                )
                return CreatedSession(
                    session_id=existing.id, attempt=existing.attempt, room_name=existing.room_name,
                    scenario_id=existing.scenario_id, review_required=required,
                )  # fmt: skip
            # The per-trainee lock decides concurrent starts: the admission check before the
            # workflow is check-then-insert, so a burst passes it together; here one start at a
            # time counts the active sessions and inserts (attempt numbers are counted under it too).
            user = await db.scalar(
                select(User.id).where(User.id == start.user_id).with_for_update()
            )
            if user is None:
                raise _business("NotFound", "unknown user")
            await self._check_active_cap(db, start)
            if start.assignment_id is not None:
                assignment = await db.get(Assignment, start.assignment_id)
                if assignment is None:
                    raise _business("NotFound", "assignment not found")
                if assignment.trainee_id != start.user_id:
                    raise _business("Forbidden", "this assignment belongs to another trainee")
                used = await db.scalar(
                    select(func.count()).where(TrainingSession.assignment_id == assignment.id)
                )
                if (used or 0) >= assignment.max_attempts:
                    raise _business(
                        "AttemptsExhausted",
                        f"all {assignment.max_attempts} attempts of this assignment are used",
                    )
                late = assignment.due_at is not None and datetime.now(UTC) > assignment.due_at
                if late and assignment.late_policy == "refuse":
                    raise _business(
                        "AssignmentClosed", "this assignment was due and takes no late attempts"
                    )
                current = await queries.latest_published(db, assignment.scenario_id)
                if current is None:
                    raise _business("NotFound", "this assignment's scenario is not published")
                scenario_id, attempt = current.id, (used or 0) + 1
                review_required = assignment.review_required
            else:
                assert start.scenario_id is not None
                scenario = await db.get(Scenario, start.scenario_id)
                if scenario is None or scenario.status != "published":
                    raise _business("NotFound", "scenario not found")
                used = await db.scalar(
                    select(func.count())
                    .select_from(TrainingSession)
                    .join(Scenario, Scenario.id == TrainingSession.scenario_id)
                    .where(TrainingSession.user_id == start.user_id, Scenario.slug == scenario.slug)
                )
                scenario_id, attempt = scenario.id, (used or 0) + 1
                late = review_required = False
            session = TrainingSession(
                id=start.session_id,
                user_id=start.user_id,
                scenario_id=scenario_id,
                assignment_id=start.assignment_id,
                attempt=attempt,
                status="active",
                phase="starting",
                room_name=room_name_for(start.session_id),
                workflow_id=workflow_id(start.session_id),
                idempotency_key=start.idempotency_key,
                request_hash=start.request_hash,
                late=late,
            )
            db.add(session)
            try:
                await db.commit()
            except IntegrityError:
                # A concurrent start took this attempt number or id: retry re-reads the truth.
                await db.rollback()
                raise
            return CreatedSession(
                session_id=session.id,
                attempt=attempt,
                room_name=session.room_name,
                scenario_id=scenario_id,
                review_required=review_required,
            )

    async def _check_active_cap(self, db: AsyncSession, start: StartSession) -> None:
        if self.max_active_sessions is None:
            return
        active = await db.scalar(
            select(func.count())
            .select_from(TrainingSession)
            .where(
                TrainingSession.user_id == start.user_id,
                TrainingSession.status == "active",
                # a retried create_session whose row a concurrent attempt wrote is not a new one
                TrainingSession.id != start.session_id,
            )
        )
        if (active or 0) >= self.max_active_sessions:
            raise _business(
                "TooManyActiveSessions",
                f"you already have {active} active sessions (the limit is "
                f"{self.max_active_sessions}); end one before starting another",
            )

    @activity.defn(name="load_scenario")
    async def load_scenario(self, request: LoadScenario) -> ScenarioSnapshot:
        async with self.db() as db:
            scenario_id = request.scenario_id
            if request.assignment_id is not None:
                assigned = await db.scalar(
                    select(Assignment.scenario_id).where(Assignment.id == request.assignment_id)
                )
                current = await queries.latest_published(db, assigned) if assigned else None
                scenario_id = current.id if current else None
            scenario = await db.get(Scenario, scenario_id) if scenario_id else None
            if scenario is None:
                raise _business("NotFound", "scenario not found")
            return ScenarioSnapshot(
                id=scenario.id,
                slug=scenario.slug,
                version=scenario.version,
                title=scenario.title,
                briefing=scenario.briefing,
                persona_prompt=scenario.persona_prompt,
                opening_line=scenario.opening_line,
                offline_script=offline_source(scenario.definition),
            )

    # --- LiveKit ----------------------------------------------------------------------------

    @activity.defn(name="dispatch_agent")
    async def dispatch_agent(self, request: DispatchAgent) -> DispatchResult:
        if self.livekit is None:
            log.info(
                "LiveKit is not configured: no agent dispatched for room %s", request.room_name
            )
            return DispatchResult(dispatched=False)
        async with heartbeating():
            dispatch_id = await self.livekit.dispatch(
                request.room_name,
                self.livekit.job_metadata(request.session_id, request.workflow_id),
            )
        return DispatchResult(dispatched=True, dispatch_id=dispatch_id)

    @activity.defn(name="close_room")
    async def close_room(self, request: CloseRoom) -> None:
        if self.livekit is None:
            log.info("LiveKit is not configured: no room to close (%s)", request.room_name)
            return
        async with heartbeating():
            await self.livekit.close(request.room_name)

    # --- conversation -----------------------------------------------------------------------

    @activity.defn(name="persist_turns")
    async def persist_turns(self, request: PersistTurns) -> PersistResult:
        if not request.turns:
            return PersistResult(inserted=0)
        async with heartbeating():
            return await store_turns(self.db, request.session_id, request.turns)

    @activity.defn(name="mark_phase")
    async def mark_phase(self, request: MarkPhase) -> None:
        values: dict[str, Any] = {"phase": request.phase, "status": request.status}
        if request.end_reason is not None:
            values["end_reason"] = request.end_reason
        if request.turn_count is not None:
            values["turn_count"] = request.turn_count
        if request.started:
            values["started_at"] = func.coalesce(TrainingSession.started_at, func.now())
        if request.ended:
            values["ended_at"] = func.coalesce(TrainingSession.ended_at, func.now())
        async with self.db() as db:
            await db.execute(
                update(TrainingSession)
                .where(TrainingSession.id == request.session_id)
                # a finished session is never pulled back into an earlier phase by a late retry
                .where(TrainingSession.status.in_(["active", request.status]))
                .values(**values)
            )
            await db.commit()

    # --- evaluation -------------------------------------------------------------------------

    @activity.defn(name="evaluate_session")
    async def evaluate_session(self, request: EvaluateSession) -> EvaluationSummary:
        async with heartbeating():
            return await evaluate_and_store(self.db, self.judge, request)
