"""LiveKit webhooks: the room finishing, or the trainee leaving, ends the conversation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from sqlalchemy import select

from api.deps import DbDep, SettingsDep, TemporalDep
from api.errors import responses
from api.signals import signal_session
from core.contracts.conversation import EndConversation, EndReason
from core.contracts.rest import Accepted
from core.db.models import TrainingSession
from core.errors import NotFound, Unauthorized
from workflows import interface

router = APIRouter(prefix="/v1/livekit", tags=["livekit"], responses=responses(401, 404, 503))


@router.post("/webhook", response_model=Accepted, summary="LiveKit webhook receiver (signed)")
async def webhook(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Accepted:
    if not settings.livekit_configured:
        raise NotFound("LiveKit is not configured")
    from livekit import api

    assert settings.livekit_api_key
    assert settings.livekit_api_secret
    receiver = api.WebhookReceiver(
        api.TokenVerifier(settings.livekit_api_key, settings.livekit_api_secret.get_secret_value())
    )
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        event = receiver.receive(body, authorization or "")
    except Exception as exc:  # the SDK raises plain Exceptions for bad signatures
        raise Unauthorized("invalid webhook signature") from exc
    reason: EndReason | None = None
    session = await db.scalar(
        select(TrainingSession).where(TrainingSession.room_name == event.room.name)
    )
    if session is None:
        return Accepted()  # not one of ours
    if event.event == "room_finished":
        reason = "room_finished"
    elif event.event == "participant_left" and event.participant.identity == session.user_id:
        reason = "participant_disconnected"
    if reason is not None and session.status == "active":
        # a finished workflow has nothing to end; an unreachable Temporal answers 503 so
        # LiveKit delivers the webhook again
        await signal_session(
            temporal,
            session.workflow_id,
            interface.END_CONVERSATION,
            EndConversation(reason=reason),
        )
    return Accepted()
