"""A trainee's message to a text session: the workflow's `send_message` update, with the
Idempotency-Key as the update id (a retried request is deduplicated by Temporal itself: it
attaches to the update in flight or returns the recorded result), and the mapping of its
refusals to the error contract."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.visibility import get_visible_session
from core.contracts.workflow import ClientReply, TraineeMessage
from core.errors import MESSAGE_ERRORS, NotFound, SessionEnded, Unavailable
from core.security import Principal
from workflows import interface


def update_id(idempotency_key: str | None) -> str:
    """Keys are scoped to a session (one trainee's), like Temporal's update ids."""
    return f"message-{idempotency_key}" if idempotency_key else f"message-{uuid.uuid4()}"


async def send_message(
    db: AsyncSession,
    temporal: Client,
    user: Principal,
    session_id: uuid.UUID,
    message: TraineeMessage,
    idempotency_key: str | None,
) -> ClientReply:
    session = await get_visible_session(db, user, session_id)
    if session.user_id != user.id:
        raise NotFound("session not found")  # only its trainee writes in a session
    workflow_id, active = session.workflow_id, session.status == "active"
    # The reply can take as long as the persona does: hold no DB connection meanwhile.
    await db.close()
    if not active:
        raise SessionEnded("the conversation is over")
    handle = temporal.get_workflow_handle(workflow_id)
    try:
        return await interface.SEND_MESSAGE.execute(
            handle, message, update_id=update_id(idempotency_key)
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in MESSAGE_ERRORS:
            raise MESSAGE_ERRORS[cause.type](cause.message) from exc
        raise Unavailable("the client could not reply; write again") from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # the workflow already finished
            raise SessionEnded("the conversation is over") from exc
        raise Unavailable("the workflow service is unavailable; try again") from exc
