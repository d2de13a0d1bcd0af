"""Statements with more than one user (repository style): a session's transcript, its evaluation
row, and which sessions a principal may see. Callers own the unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import EvaluationRow, Scenario, TrainingSession, TranscriptTurn
from core.db.teams import trainees_led_by
from core.security import Principal


async def transcript(db: AsyncSession, session_id: uuid.UUID) -> list[TranscriptTurn]:
    """The stored turns of a session, ordered by seq."""
    rows = await db.scalars(
        select(TranscriptTurn)
        .where(TranscriptTurn.session_id == session_id)
        .order_by(TranscriptTurn.seq)
    )
    return list(rows)


async def evaluation_of(db: AsyncSession, session_id: uuid.UUID) -> EvaluationRow | None:
    """The evaluation row of a session, if it has one."""
    return await db.scalar(select(EvaluationRow).where(EvaluationRow.session_id == session_id))


def visible_sessions(user: Principal) -> ColumnElement[bool]:
    """Who may see which sessions, the one statement of it: a trainee their own; a supervisor
    also the assessed sessions (started from an assignment) of the trainees of the teams they
    lead, and the practice sessions those trainees shared; an admin all."""
    if user.role == "admin":
        return true()
    if user.role == "supervisor":
        of_my_trainees = and_(
            TrainingSession.user_id.in_(trainees_led_by(user.id)),
            or_(TrainingSession.assignment_id.is_not(None), TrainingSession.shared_at.is_not(None)),
        )
        return or_(TrainingSession.user_id == user.id, of_my_trainees)
    return TrainingSession.user_id == user.id


async def visible_session(
    db: AsyncSession, user: Principal, session_id: uuid.UUID
) -> TrainingSession | None:
    return await db.scalar(
        select(TrainingSession).where(TrainingSession.id == session_id, visible_sessions(user))
    )


def sessions_with_scenario() -> Select[TrainingSession, Scenario, bool]:
    """Sessions with what a view needs, in one query: the scenario and whether evaluated."""
    evaluated = exists().where(EvaluationRow.session_id == TrainingSession.id)
    return select(TrainingSession, Scenario, evaluated.label("evaluated")).join(
        Scenario, Scenario.id == TrainingSession.scenario_id
    )
