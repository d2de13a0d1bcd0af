"""The trail's one statement of who sees which events."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from core.db import queries
from core.db.models import AuditEvent, TrainingSession
from core.security import Principal


def visible_events(user: Principal) -> ColumnElement[bool]:
    """An admin sees every event. Anyone sees the events about their own practice (so a trainee
    can check that nobody else read a confidential attempt) and their own acts. A supervisor also
    sees the events on the sessions they may see (core.db.queries.visible_sessions: their
    trainees' assessed and shared sessions) — never those on a trainee's unshared practice."""
    if user.role == "admin":
        return true()
    mine = or_(AuditEvent.subject_user_id == user.id, AuditEvent.actor_id == user.id)
    if user.role != "supervisor":
        return mine
    seen = select(TrainingSession.id).where(queries.visible_sessions(user))
    return or_(mine, AuditEvent.session_id.in_(seen))
