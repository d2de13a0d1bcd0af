"""Who may see what. Anything not visible is reported as not found."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Assignment, TrainingSession
from core.errors import NotFound
from core.security import Principal


def visible_sessions(user: Principal) -> ColumnElement[bool]:
    if user.role == "admin":
        return true()
    if user.role == "supervisor":
        assigned_by_me = exists().where(
            Assignment.trainee_id == TrainingSession.user_id, Assignment.assigned_by == user.id
        )
        return or_(TrainingSession.user_id == user.id, assigned_by_me)
    return TrainingSession.user_id == user.id


async def get_visible_session(
    db: AsyncSession, user: Principal, session_id: uuid.UUID
) -> TrainingSession:
    session = await db.scalar(
        select(TrainingSession).where(TrainingSession.id == session_id, visible_sessions(user))
    )
    if session is None:
        raise NotFound("session not found")
    return session
