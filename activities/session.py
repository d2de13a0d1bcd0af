"""All I/O the TrainingSession workflow needs. Every activity is idempotent under re-execution:
re-running one with the same input leaves the same rows (constraints + ON CONFLICT carry it)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating
from activities.livekit_rooms import LiveKitRooms
from core.contracts import (
    CloseRoom,
    CreatedSession,
    DispatchAgent,
    DispatchResult,
    EvaluateSession,
    Evaluation,
    EvaluationSummary,
    LoadScenario,
    MarkPhase,
    PersistResult,
    PersistTurns,
    ScenarioSnapshot,
    StartSession,
    Turn,
    session_workflow_id,
)
from core.db.convert import row_to_turn
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation, insert_first_evaluation
from core.db.models import (
    Assignment,
    Scenario,
    TrainingSession,
    TranscriptTurn,
    User,
)
from core.scenarios import Rubric
from evaluation.judge import JudgeError, LLMJudge
from evaluation.rubric import evaluate

log = logging.getLogger(__name__)


# One statement per batch whatever its size: six array parameters unnested server-side (a
# multi-VALUES insert binds six parameters per row and costs more to build than to run).
_PERSIST_TURNS = text(
    "INSERT INTO transcript_turns (session_id, seq, speaker, text, started_at, ended_at) "
    "SELECT * FROM unnest(CAST(:session_id AS uuid[]), CAST(:seq AS integer[]), "
    "CAST(:speaker AS varchar[]), CAST(:text AS text[]), CAST(:started_at AS timestamptz[]), "
    "CAST(:ended_at AS timestamptz[])) "
    "ON CONFLICT (session_id, seq) DO NOTHING"
)


def room_name_for(session_id: uuid.UUID) -> str:
    return f"vt-{session_id}"


def _is_data_error(exc: DBAPIError) -> bool:
    """A permanent refusal of the data itself (SQLSTATE class 22, or a value the driver cannot
    encode), as opposed to a connection or server problem worth retrying."""
    if isinstance(exc, DataError):
        return True
    cause: BaseException | None = exc.orig
    while cause is not None:
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return True
        if isinstance(cause, asyncpg.exceptions.DataError):
            return True
        cause = cause.__cause__
    return False


def _business(kind: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


class SessionActivities:
    def __init__(
        self,
        sessionmaker: SessionMaker,
        livekit: LiveKitRooms | None,
        judge: LLMJudge | None = None,
    ) -> None:
        self.db = sessionmaker
        self.livekit = livekit
        self.judge = judge

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
            if await db.get(User, start.user_id) is None:
                raise _business("NotFound", "unknown user")
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
                scenario_id, attempt = assignment.scenario_id, (used or 0) + 1
                review_required = assignment.review_required
            else:
                assert start.scenario_id is not None
                scenario = await db.get(Scenario, start.scenario_id)
                if scenario is None:
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
                workflow_id=session_workflow_id(start.session_id),
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

    @activity.defn(name="load_scenario")
    async def load_scenario(self, request: LoadScenario) -> ScenarioSnapshot:
        async with self.db() as db:
            scenario_id = request.scenario_id
            if request.assignment_id is not None:
                scenario_id = await db.scalar(
                    select(Assignment.scenario_id).where(Assignment.id == request.assignment_id)
                )
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
                offline_script=scenario.definition.get("script"),
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
            return await self._persist(request)

    async def _persist(self, request: PersistTurns) -> PersistResult:
        try:
            return PersistResult(
                inserted=await self._insert_turns(request.session_id, request.turns)
            )
        except DBAPIError as exc:
            if not _is_data_error(exc):
                raise  # connection trouble and the like: the retry policy takes it
        # A turn Postgres refuses permanently must not hold back the others (nor retry forever):
        # insert one at a time and quarantine the refused ones (the workflow counts them dropped).
        inserted, quarantined = 0, []
        for turn in request.turns:
            try:
                inserted += await self._insert_turns(request.session_id, [turn])
            except DBAPIError as exc:
                if not _is_data_error(exc):
                    raise
                log.warning(
                    "quarantined turn seq=%d of session %s: %s",
                    turn.seq, request.session_id, type(exc.orig).__name__,
                )  # fmt: skip
                quarantined.append(turn.seq)
        return PersistResult(inserted=inserted, quarantined=quarantined)

    async def _insert_turns(self, session_id: uuid.UUID, turns: list[Turn]) -> int:
        params = {
            "session_id": [session_id] * len(turns),
            "seq": [t.seq for t in turns],
            "speaker": [t.speaker for t in turns],
            "text": [t.text for t in turns],
            "started_at": [t.started_at for t in turns],
            "ended_at": [t.ended_at for t in turns],
        }
        async with self.db() as db:
            result = await db.execute(_PERSIST_TURNS, params)
            await db.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]

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
            return await self._evaluate(request)

    async def _evaluate(self, request: EvaluateSession) -> EvaluationSummary:
        async with self.db() as db:
            existing = await current_evaluation(db, request.session_id)
            if existing is not None:
                return _summary(existing)
            session = await db.get(TrainingSession, request.session_id)
            if session is None:
                raise _business("NotFound", "session not found")
            scenario = await db.get(Scenario, session.scenario_id)
            assert scenario is not None
            rows = await db.scalars(
                select(TranscriptTurn)
                .where(TranscriptTurn.session_id == session.id)
                .order_by(TranscriptTurn.seq)
            )
            turns = [row_to_turn(r) for r in rows]
        rubric = Rubric.model_validate(scenario.rubric)
        judgment = None
        fallback_reason = None
        if self.judge is not None:
            try:
                judgment = await self.judge.judge(turns, rubric)
            except JudgeError as exc:
                attempt = activity.info().attempt
                if exc.retryable and attempt < request.judge_max_attempts:
                    # The activity's retry policy provides the backoff between judge attempts.
                    raise ApplicationError(exc.reason, type="JudgeUnavailable") from exc
                log.warning(
                    "LLM judge failed on attempt %d, using the rubric: %s", attempt, exc.reason
                )
                fallback_reason = exc.reason
        # The deterministic evaluation always runs: it is the result, or the judge's cross-check.
        evaluation = evaluate(
            session_id=session.id,
            turns=turns,
            rubric=rubric,
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            created_at=datetime.now(UTC),
            client_name=str(scenario.definition.get("persona", {}).get("name", "the client")),
            judgment=judgment,
            fallback_reason=fallback_reason,
        )
        async with self.db() as db:
            stored = await insert_first_evaluation(db, evaluation)
            await db.commit()
        return _summary(stored)


def _summary(evaluation: Evaluation) -> EvaluationSummary:
    return EvaluationSummary(
        session_id=evaluation.session_id,
        overall_score=evaluation.overall_score,
        passed=evaluation.passed,
        evaluator=f"{evaluation.evaluator.name} {evaluation.evaluator.version}",
        fallback=evaluation.evaluator.fallback,
        needs_review=evaluation.needs_review,
        criterion_ids=[c.id for c in evaluation.criteria],
        red_flag_ids=sorted({f.id for f in evaluation.red_flags}),
    )
