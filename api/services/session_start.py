"""Starting a session: the idempotency key, Update-with-Start of the workflow, and the mapping of
its failures to the error contract."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.admission import Admission
from api.metrics import Metrics
from core.contracts.base import Modality
from core.contracts.rest import CreateSessionRequest, CreateSessionResponse, LiveKitAccess
from core.contracts.workflow import ScenarioSummary, StartSession
from core.db.models import Scenario, TrainingSession
from core.errors import BUSINESS_ERRORS, BadRequest, Unavailable
from core.search_attributes import USER_ID
from core.security import Principal, livekit_trainee_token
from core.settings import Settings
from workflows import interface

_IDEMPOTENCY_NS = uuid.UUID("6f1c7a52-3b7e-4d8e-9b59-2f0d4c1e8a11")


def modality_of(body: CreateSessionRequest, settings: Settings) -> Modality:
    """As asked, else voice when LiveKit is configured (someone can talk), else text."""
    if body.modality is not None:
        return body.modality
    return "voice" if settings.livekit_configured else "text"


def _request_hash(body: CreateSessionRequest) -> str:
    # without a modality the body hashes as it did before the field existed (stored keys match)
    dumped = body.model_dump_json(exclude={"modality"} if body.modality is None else None)
    return hashlib.sha256(dumped.encode()).hexdigest()


def _livekit(
    settings: Settings, user: Principal, room: str, modality: Modality
) -> LiveKitAccess | None:
    if not settings.livekit_configured or modality == "text":
        return None
    assert settings.livekit_url
    return LiveKitAccess(
        url=settings.livekit_url,
        token=livekit_trainee_token(settings, identity=user.id, name=user.name, room=room),
    )


async def _created_response(
    db: AsyncSession,
    settings: Settings,
    user: Principal,
    session: TrainingSession,
    modality: Modality,
) -> CreateSessionResponse:
    scenario = await db.get(Scenario, session.scenario_id)
    assert scenario is not None
    return CreateSessionResponse(
        session_id=session.id,
        attempt=session.attempt,
        status=session.status,
        room_name=session.room_name,
        scenario=ScenarioSummary(
            id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
        ),
        modality=modality,
        livekit=_livekit(settings, user, session.room_name, modality),
        opening_line=scenario.opening_line if modality == "text" else None,
    )


async def start_session(
    body: CreateSessionRequest,
    user: Principal,
    db: AsyncSession,
    settings: Settings,
    temporal: Client,
    metrics: Metrics,
    admission: Admission,
    idempotency_key: str | None,
) -> CreateSessionResponse:
    request_hash = _request_hash(body)
    modality = modality_of(body, settings)
    if idempotency_key is not None:
        session_id = uuid.uuid5(_IDEMPOTENCY_NS, f"{user.id}\n{idempotency_key}")
        existing = await db.get(TrainingSession, session_id)
        if existing is not None:
            return await _replayed(db, settings, user, existing, request_hash, modality)
    else:
        session_id = uuid.uuid4()
    # a replay above is free; a new session is admitted or refused before any workflow starts
    await admission.admit_start(db, user.id)

    start = StartSession(
        session_id=session_id,
        user_id=user.id,
        scenario_id=body.scenario_id,
        assignment_id=body.assignment_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        limits=settings.session_limits(),
        modality=modality,
    )
    operation = interface.start_operation(
        start,
        task_queue=settings.task_queue,
        search_attributes=TypedSearchAttributes([SearchAttributePair(USER_ID, user.id)]),
        static_summary=f"practice session for {user.id}",
    )
    try:
        ready = await interface.AWAIT_READY.execute_with_start(temporal, operation)
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
            modality=modality,
            livekit=_livekit(settings, user, ready.room_name, modality),
            opening_line=ready.opening_line,
        )
    db.expire_all()
    session = await db.get(TrainingSession, session_id)
    if session is None:
        raise Unavailable("the session could not be started; try again")
    response = await _replayed(db, settings, user, session, request_hash, modality)
    metrics.sessions_started.inc()
    return response


async def _replayed(
    db: AsyncSession,
    settings: Settings,
    user: Principal,
    session: TrainingSession,
    request_hash: str,
    modality: Modality,
) -> CreateSessionResponse:
    if session.request_hash != request_hash:
        raise BadRequest("this Idempotency-Key was already used with a different request body")
    return await _created_response(db, settings, user, session, modality)
