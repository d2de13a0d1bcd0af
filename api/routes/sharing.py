"""Sharing: a trainee shares a practice session with the supervisors of their teams (practice
is private until then; assessed sessions are visible to them anyway)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import func, update

from api.deps import CurrentUser, DbDep
from api.errors import responses
from api.visibility import get_visible_session
from core.contracts.rest import ShareResult
from core.db.models import TrainingSession
from core.errors import Forbidden

router = APIRouter(prefix="/v1/sessions", tags=["sessions"], responses=responses(401, 404, 422))


@router.post(
    "/{session_id}/share",
    response_model=ShareResult,
    responses=responses(403),
    summary="Share your practice session with your supervisors (idempotent)",
)
async def share_session(session_id: uuid.UUID, user: CurrentUser, db: DbDep) -> ShareResult:
    session = await get_visible_session(db, user, session_id)
    if session.user_id != user.id:
        raise Forbidden("only the trainee can share their session")
    shared_at = await db.scalar(
        update(TrainingSession)
        .where(TrainingSession.id == session.id)
        .values(shared_at=func.coalesce(TrainingSession.shared_at, func.now()))
        .returning(TrainingSession.shared_at)
    )
    await db.commit()
    assert shared_at is not None
    return ShareResult(session_id=session.id, shared_at=shared_at)
