"""Who may see what (the statement is core.db.queries.visible_sessions). Anything not visible is
reported as not found."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import queries
from core.db.models import TrainingSession
from core.errors import NotFound
from core.security import Principal


async def get_visible_session(
    db: AsyncSession, user: Principal, session_id: uuid.UUID
) -> TrainingSession:
    session = await queries.visible_session(db, user, session_id)
    if session is None:
        raise NotFound("session not found")
    return session
