"""Statements with more than one user (repository style): a session's transcript, its evaluation
row, and which sessions a principal may see. Callers own the unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Assignment, EvaluationRow, Scenario, TrainingSession, TranscriptTurn
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
    """Who may see which sessions: a trainee their own, a supervisor also those of the trainees
    they assigned, an admin all."""
    if user.role == "admin":
        return true()
    if user.role == "supervisor":
        assigned_by_me = exists().where(
            Assignment.trainee_id == TrainingSession.user_id, Assignment.assigned_by == user.id
        )
        return or_(TrainingSession.user_id == user.id, assigned_by_me)
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
