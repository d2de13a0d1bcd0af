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
from api.scenarios.service import readable_version
from core.contracts.base import Modality
from core.contracts.rest import CreateSessionRequest, CreateSessionResponse, LiveKitAccess
from core.contracts.workflow import SessionReady, StartSession
from core.db.convert import scenario_summary
from core.db.models import Scenario, TrainingSession
from core.errors import BUSINESS_ERRORS, BadRequest, Unavailable
from core.search_attributes import USER_ID
from core.security import Principal, livekit_trainee_token
from core.settings import Settings
from workflows import interface

_IDEMPOTENCY_NS = uuid.UUID("6f1c7a52-3b7e-4d8e-9b59-2f0d4c1e8a11")
_KEY_REUSED = "this Idempotency-Key was already used with a different request body"


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


def _from_ready(
    settings: Settings, user: Principal, ready: SessionReady, request_hash: str
) -> CreateSessionResponse:
    """The response is the workflow's own answer (a repeated start gets the first one's)."""
    if ready.request_hash is not None and ready.request_hash != request_hash:
        raise BadRequest(_KEY_REUSED)
    return CreateSessionResponse(
        session_id=ready.session_id,
        attempt=ready.attempt,
        status="active",
        room_name=ready.room_name,
        scenario=ready.scenario,
        modality=ready.modality,
        livekit=_livekit(settings, user, ready.room_name, ready.modality),
        opening_line=ready.opening_line,
    )


async def _finished(
    db: AsyncSession,
    settings: Settings,
    user: Principal,
    session: TrainingSession,
    modality: Modality,
) -> CreateSessionResponse:
    """A keyed session whose workflow has closed takes no update: answer from its rows."""
    scenario = await db.get(Scenario, session.scenario_id)
    assert scenario is not None
    return CreateSessionResponse(
        session_id=session.id,
        attempt=session.attempt,
        status=session.status,
        room_name=session.room_name,
        scenario=scenario_summary(scenario),
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
    """Update-with-Start; the same Idempotency-Key attaches to the session it started (the
    workflow's await_ready answers a repeated call with the stored SessionReady)."""
    request_hash = _request_hash(body)
    existing: TrainingSession | None = None
    if idempotency_key is not None:
        session_id = uuid.uuid5(_IDEMPOTENCY_NS, f"{user.id}\n{idempotency_key}")
        existing = await db.get(TrainingSession, session_id)
        if existing is not None and existing.request_hash != request_hash:
            raise BadRequest(_KEY_REUSED)
        if existing is not None and existing.status != "active":
            return await _finished(db, settings, user, existing, modality_of(body, settings))
    else:
        session_id = uuid.uuid4()
    if existing is None:  # a repeat is free; a new session is admitted or refused first
        await admission.admit_start(db, user.id)
        if body.scenario_id is not None:  # another organisation's scenario is not found
            await readable_version(db, user, body.scenario_id)
    start = StartSession(
        session_id=session_id,
        user_id=user.id,
        scenario_id=body.scenario_id,
        assignment_id=body.assignment_id,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        limits=settings.session_limits(),
        modality=modality_of(body, settings),
    )
    ready = await _update_with_start(temporal, settings, start)
    if ready is None:  # the keyed session finished between our read and the update
        db.expire_all()
        session = await db.get(TrainingSession, session_id)
        if session is None:
            raise Unavailable("the session could not be started; try again")
        return await _finished(db, settings, user, session, start.modality)
    response = _from_ready(settings, user, ready, request_hash)
    if existing is None:
        metrics.sessions_started.inc()
    return response


async def _update_with_start(
    temporal: Client, settings: Settings, start: StartSession
) -> SessionReady | None:
    """The session's SessionReady, or None when its (keyed) workflow has already closed."""
    operation = interface.start_operation(
        start,
        task_queue=settings.task_queue,
        search_attributes=TypedSearchAttributes([SearchAttributePair(USER_ID, start.user_id)]),
        static_summary=f"practice session for {start.user_id}",
    )
    try:
        return await interface.AWAIT_READY.execute_with_start(temporal, operation)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in BUSINESS_ERRORS:
            raise BUSINESS_ERRORS[cause.type](cause.message) from exc
        raise Unavailable("the session could not be started; try again") from exc
    except WorkflowAlreadyStartedError:
        return None
    except RPCError as exc:
        raise Unavailable("the workflow service is unavailable; try again") from exc
