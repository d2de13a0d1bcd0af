"""Sessions: start (Update-with-Start), read, transcript, end, evaluation (long-poll)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowFailureError,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.deps import CurrentUser, DbDep, MetricsDep, SettingsDep, TemporalDep
from api.errors import responses
from api.signals import signal_session
from api.visibility import get_visible_session, visible_sessions
from core.contracts import (
    Accepted,
    CreateSessionRequest,
    CreateSessionResponse,
    EndConversation,
    Evaluation,
    EvaluationPending,
    LiveKitAccess,
    ScenarioSummary,
    SessionLimits,
    SessionPage,
    SessionStatus,
    SessionView,
    StartSession,
    TranscriptView,
    session_workflow_id,
)
from core.db.convert import row_to_evaluation, row_to_turn
from core.db.models import EvaluationRow, Scenario, TrainingSession, TranscriptTurn
from core.errors import BUSINESS_ERRORS, BadRequest, Forbidden, NoEvaluation, NotFound, Unavailable
from core.security import Principal, livekit_trainee_token
from core.settings import Settings
from workflows.session import USER_ID, TrainingSessionWorkflow

router = APIRouter(prefix="/v1/sessions", tags=["sessions"], responses=responses(401, 404, 422))
_IDEMPOTENCY_NS = uuid.UUID("6f1c7a52-3b7e-4d8e-9b59-2f0d4c1e8a11")
MAX_WAIT_SECONDS = 30


def limits_from(settings: Settings) -> SessionLimits:
    return SessionLimits(
        agent_join_timeout_seconds=settings.agent_join_timeout_seconds,
        max_duration_seconds=settings.max_duration_seconds,
        final_turn_wait_seconds=settings.final_turn_wait_seconds,
        max_turns=settings.max_turns,
        min_trainee_turns=settings.min_trainee_turns,
    )


def _livekit(settings: Settings, user: Principal, room: str) -> LiveKitAccess | None:
    if not settings.livekit_configured:
        return None
    assert settings.livekit_url
    return LiveKitAccess(
        url=settings.livekit_url,
        token=livekit_trainee_token(settings, identity=user.id, name=user.name, room=room),
    )


async def _created_response(
    db: AsyncSession, settings: Settings, user: Principal, session: TrainingSession
) -> CreateSessionResponse:
    scenario = await db.get(Scenario, session.scenario_id)
    assert scenario is not None
    return CreateSessionResponse(
        session_id=session.id,
        attempt=session.attempt,
        status="active" if session.status == "active" else session.status,  # type: ignore[arg-type]
        room_name=session.room_name,
        scenario=ScenarioSummary(
            id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
        ),
        livekit=_livekit(settings, user, session.room_name),
    )


@router.post(
    "",
    status_code=201,
    response_model=CreateSessionResponse,
    responses=responses(403, 409, 503),
    summary="Start a practice session",
)
async def create_session(
    body: CreateSessionRequest,
    user: CurrentUser,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    metrics: MetricsDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
    ] = None,
) -> CreateSessionResponse:
    request_hash = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    if idempotency_key is not None:
        session_id = uuid.uuid5(_IDEMPOTENCY_NS, f"{user.id}\n{idempotency_key}")
        existing = await db.get(TrainingSession, session_id)
        if existing is not None:
            return await _replayed(db, settings, user, existing, request_hash)
    else:
        session_id = uuid.uuid4()

    start = StartSession(
        session_id=session_id,
        user_id=user.id,
        scenario_id=body.scenario_id,
        assignment_id=body.assignment_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        limits=limits_from(settings),
    )
    operation = WithStartWorkflowOperation(
        TrainingSessionWorkflow.run,
        start,
        id=session_workflow_id(session_id),
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        # a start that failed (e.g. Forbidden) may be tried again with the same key
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        search_attributes=TypedSearchAttributes([SearchAttributePair(USER_ID, user.id)]),
        static_summary=f"practice session for {user.id}",
    )
    try:
        ready = await temporal.execute_update_with_start_workflow(
            TrainingSessionWorkflow.await_ready, start_workflow_operation=operation
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in BUSINESS_ERRORS:
            raise BUSINESS_ERRORS[cause.type](cause.message) from exc
        raise Unavailable("the session could not be started; try again") from exc
    except WorkflowAlreadyStartedError:
        ready = None  # the keyed session already finished: answer from the database below
    except RPCError as exc:
        raise Unavailable("the workflow service is unavailable; try again") from exc
    if ready is not None and idempotency_key is None:
        # The update's answer is the session as created: no database round trip needed.
        metrics.sessions_started.inc()
        return CreateSessionResponse(
            session_id=ready.session_id,
            attempt=ready.attempt,
            status="active",
            room_name=ready.room_name,
            scenario=ready.scenario,
            livekit=_livekit(settings, user, ready.room_name),
        )
    db.expire_all()
    session = await db.get(TrainingSession, session_id)
    if session is None:
        raise Unavailable("the session could not be started; try again")
    response = await _replayed(db, settings, user, session, request_hash)
    metrics.sessions_started.inc()
    return response


async def _replayed(
    db: AsyncSession,
    settings: Settings,
    user: Principal,
    session: TrainingSession,
    request_hash: str,
) -> CreateSessionResponse:
    if session.request_hash != request_hash:
        raise BadRequest("this Idempotency-Key was already used with a different request body")
    return await _created_response(db, settings, user, session)


def _evaluation_status(session: TrainingSession, has_evaluation: bool) -> str:
    if has_evaluation:
        return "ready"
    return "none" if session.status in ("abandoned", "failed") else "pending"


async def _live_status(temporal: Client, session: TrainingSession) -> SessionStatus | None:
    if session.status != "active":
        return None
    try:
        return await temporal.get_workflow_handle(session.workflow_id).query(
            TrainingSessionWorkflow.status
        )
    except (
        Exception
    ):  # the DB row is the fallback view; a query failure is not the caller's problem
        return None


def _with_scenario_and_evaluation() -> Select[TrainingSession, Scenario, bool]:
    """Sessions with what a view needs, in one query: the scenario and whether evaluated."""
    evaluated = exists().where(EvaluationRow.session_id == TrainingSession.id)
    return select(TrainingSession, Scenario, evaluated.label("evaluated")).join(
        Scenario, Scenario.id == TrainingSession.scenario_id
    )


def _view(
    session: TrainingSession, scenario: Scenario, evaluated: bool, live: SessionStatus | None = None
) -> SessionView:
    return SessionView(
        session_id=session.id,
        user_id=session.user_id,
        scenario=ScenarioSummary(
            id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
        ),
        scenario_version=scenario.version,
        assignment_id=session.assignment_id,
        attempt=session.attempt,
        status=session.status,  # type: ignore[arg-type]
        phase=live.phase if live else session.phase,  # type: ignore[arg-type]
        turn_count=live.turn_count if live else session.turn_count,
        end_reason=live.end_reason if live else session.end_reason,
        evaluation_status=live.evaluation_status
        if live
        else _evaluation_status(session, evaluated),  # type: ignore[arg-type]
        created_at=session.created_at,
        started_at=session.started_at,
        ended_at=session.ended_at,
    )


def _encode_cursor(session: TrainingSession) -> str:
    return base64.urlsafe_b64encode(
        f"{session.created_at.isoformat()}|{session.id}".encode()
    ).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, sid = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created), uuid.UUID(sid)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("invalid cursor") from exc


@router.get("", response_model=SessionPage, summary="List the sessions you can see, newest first")
async def list_sessions(
    user: CurrentUser,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> SessionPage:
    query = _with_scenario_and_evaluation().where(visible_sessions(user))
    if cursor:
        created, sid = _decode_cursor(cursor)
        query = query.where(
            or_(
                TrainingSession.created_at < created,
                and_(TrainingSession.created_at == created, TrainingSession.id < sid),
            )
        )
    rows = (
        await db.execute(
            query.order_by(TrainingSession.created_at.desc(), TrainingSession.id.desc()).limit(
                limit + 1
            )
        )
    ).all()
    page = rows[:limit]
    return SessionPage(
        items=[_view(session, scenario, evaluated) for session, scenario, evaluated in page],
        next_cursor=_encode_cursor(page[-1][0]) if len(rows) > limit else None,
    )


@router.get("/{session_id}", response_model=SessionView, summary="One session (live while it runs)")
async def get_session(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, temporal: TemporalDep
) -> SessionView:
    found = (
        await db.execute(
            _with_scenario_and_evaluation().where(
                TrainingSession.id == session_id, visible_sessions(user)
            )
        )
    ).first()
    if found is None:
        raise NotFound("session not found")
    session, scenario, evaluated = found
    return _view(session, scenario, evaluated, await _live_status(temporal, session))


@router.get(
    "/{session_id}/transcript",
    response_model=TranscriptView,
    summary="The transcript, ordered by seq",
)
async def get_transcript(session_id: uuid.UUID, user: CurrentUser, db: DbDep) -> TranscriptView:
    session = await get_visible_session(db, user, session_id)
    rows = await db.scalars(
        select(TranscriptTurn)
        .where(TranscriptTurn.session_id == session.id)
        .order_by(TranscriptTurn.seq)
    )
    return TranscriptView(session_id=session.id, turns=[row_to_turn(r) for r in rows])


@router.post(
    "/{session_id}/end",
    status_code=202,
    response_model=Accepted,
    responses=responses(403, 503),
    summary="End the conversation (idempotent)",
)
async def end_session(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, temporal: TemporalDep
) -> Accepted:
    session = await get_visible_session(db, user, session_id)
    if session.user_id != user.id and user.role != "admin":
        raise Forbidden("only the trainee can end their session")
    if session.status == "active":
        await signal_session(
            temporal, session.workflow_id, TrainingSessionWorkflow.end_conversation,
            EndConversation(reason="trainee_ended"),
        )  # fmt: skip
    return Accepted()


@router.get(
    "/{session_id}/evaluation",
    response_model=Evaluation,
    responses={
        202: {
            "model": EvaluationPending,
            "description": "not ready yet (transient): retry after Retry-After",
        },
        **responses(409),
    },
    summary="The evaluation; long-polls up to `wait` seconds",
)
async def get_evaluation(
    session_id: uuid.UUID,
    user: CurrentUser,
    db: DbDep,
    temporal: TemporalDep,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
) -> Response:
    session = await get_visible_session(db, user, session_id)
    row = await db.scalar(select(EvaluationRow).where(EvaluationRow.session_id == session.id))
    if row is None and session.status == "active" and wait > 0:
        # Wait on the workflow itself (a long-poll on its history), not on the database.
        try:
            await asyncio.wait_for(
                temporal.get_workflow_handle(session.workflow_id).result(), timeout=wait
            )
        except (TimeoutError, WorkflowFailureError, RPCError):
            pass
        await db.refresh(session)
        row = await db.scalar(select(EvaluationRow).where(EvaluationRow.session_id == session.id))
    if row is not None:
        return JSONResponse(row_to_evaluation(row).model_dump(mode="json"))
    if session.status in ("abandoned", "failed", "completed"):
        raise NoEvaluation(
            f"this session ended without an evaluation ({session.end_reason or session.status})"
        )
    live = await _live_status(temporal, session)
    phase = live.phase if live else session.phase
    if live is not None and live.evaluation_status == "none":
        raise NoEvaluation(
            f"this session ended without an evaluation ({live.end_reason or live.phase})"
        )
    conversing = phase in ("starting", "waiting_for_agent", "in_conversation")
    pending = EvaluationPending(status="in_conversation" if conversing else "pending", phase=phase)  # type: ignore[arg-type]
    return JSONResponse(
        pending.model_dump(mode="json"),
        status_code=202,
        headers={"Retry-After": "5" if conversing else "2"},
    )
