"""Sessions: start (Update-with-Start), read, transcript, end, evaluation (long-poll). Thin: the
work is in api/services/session_start.py and api/services/session_reads.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from api.audit.service import AuditDep
from api.deps import (
    AdmissionDep,
    CurrentUser,
    DbDep,
    IdempotencyKey,
    MetricsDep,
    SettingsDep,
    TemporalDep,
    start_gate,
)
from api.errors import responses
from api.services.session_delete import delete_session
from api.services.session_messages import send_message
from api.services.session_reads import evaluation_or_pending, session_page, session_view
from api.services.session_start import start_session
from api.signals import signal_session
from api.visibility import get_visible_session
from core.contracts.conversation import EndConversation
from core.contracts.evaluation import Evaluation
from core.contracts.rest import (
    Accepted,
    CreateSessionRequest,
    CreateSessionResponse,
    EvaluationPending,
    SessionPage,
    SessionView,
    TranscriptView,
)
from core.contracts.workflow import ClientReply, TraineeMessage
from core.db import queries
from core.db.convert import row_to_turn
from core.errors import Forbidden
from workflows import interface

router = APIRouter(prefix="/v1/sessions", tags=["sessions"], responses=responses(401, 404, 422))
MAX_WAIT_SECONDS = 30


@router.post(
    "",
    status_code=201,
    response_model=CreateSessionResponse,
    responses=responses(403, 409, 429, 503),
    summary="Start a practice session",
    # a storm of starts is refused before the token check or any database work
    dependencies=[Depends(start_gate)],
)
async def create_session(
    body: CreateSessionRequest,
    user: CurrentUser,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    metrics: MetricsDep,
    admission: AdmissionDep,
    idempotency_key: IdempotencyKey = None,
) -> CreateSessionResponse:
    return await start_session(
        body, user, db, settings, temporal, metrics, admission, idempotency_key
    )


@router.get("", response_model=SessionPage, summary="List the sessions you can see, newest first")
async def list_sessions(
    user: CurrentUser,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> SessionPage:
    return await session_page(db, user, limit, cursor)


@router.get("/{session_id}", response_model=SessionView, summary="One session (live while it runs)")
async def get_session(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, temporal: TemporalDep
) -> SessionView:
    return await session_view(db, temporal, user, session_id)


@router.get(
    "/{session_id}/transcript",
    response_model=TranscriptView,
    summary="The transcript, ordered by seq",
)
async def get_transcript(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, audit: AuditDep
) -> TranscriptView:
    session = await get_visible_session(db, user, session_id)
    rows = await queries.transcript(db, session.id)
    await audit.read("transcript.read", session.id, session.user_id)
    return TranscriptView(
        session_id=session.id,
        turns=[row_to_turn(r) for r in rows],
        transcript_purged=session.transcripts_purged_at is not None,
    )


@router.post(
    "/{session_id}/messages",
    response_model=ClientReply,
    responses=responses(409, 503),
    summary="Text sessions: say something to the client and get its reply",
    description=(
        "Records your turn, has the client reply and returns both turns. One message at a time: "
        "while the client is replying another message is refused with 409 `reply_in_progress` "
        "(retryable: send it again after the reply). 409 `session_ended` once the conversation "
        "is over, `not_a_text_session` for a voice session. A retried request with the same "
        "`Idempotency-Key` returns the same reply and records the message once."
    ),
)
async def post_message(
    session_id: uuid.UUID,
    body: TraineeMessage,
    user: CurrentUser,
    db: DbDep,
    temporal: TemporalDep,
    idempotency_key: IdempotencyKey = None,
) -> ClientReply:
    return await send_message(db, temporal, user, session_id, body, idempotency_key)


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
            temporal, session.workflow_id, interface.END_CONVERSATION,
            EndConversation(reason="trainee_ended"),
        )  # fmt: skip
    return Accepted()


@router.delete(
    "/{session_id}",
    status_code=204,
    responses=responses(403, 409),
    summary="Delete your practice attempt: transcript, evaluation and workflow history (idempotent)",
)
async def delete_practice_session(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, temporal: TemporalDep, audit: AuditDep
) -> Response:
    await delete_session(db, temporal, audit, session_id)
    return Response(status_code=204)


@router.get(
    "/{session_id}/evaluation",
    response_model=Evaluation,
    responses={
        202: {
            "model": EvaluationPending,
            "description": "not ready yet (transient): retry after Retry-After",
        },
        **responses(409, 429),
    },
    summary="The evaluation; long-polls up to `wait` seconds",
)
async def get_evaluation(
    session_id: uuid.UUID,
    user: CurrentUser,
    db: DbDep,
    temporal: TemporalDep,
    admission: AdmissionDep,
    audit: AuditDep,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
) -> Response:
    session = await get_visible_session(db, user, session_id)
    found = await evaluation_or_pending(db, temporal, admission, user, session, wait)
    if isinstance(found, Evaluation):
        await audit.read("evaluation.read", session.id, session.user_id)
        return JSONResponse(found.model_dump(mode="json"))
    return JSONResponse(
        found.model_dump(mode="json"),
        status_code=202,
        headers={"Retry-After": "5" if found.status == "in_conversation" else "2"},
    )
