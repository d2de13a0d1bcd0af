"""Statements with more than one user (repository style): a session's transcript, who leads
whom, and which sessions a principal may see. Callers own the unit of work. (A session's
evaluation row: core.db.evaluations.)"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.db.models import EvaluationRow, Scenario, TeamMember, TrainingSession, TranscriptTurn
from core.security import Principal


async def transcript(db: AsyncSession, session_id: uuid.UUID) -> list[TranscriptTurn]:
    """The stored turns of a session, ordered by seq."""
    rows = await db.scalars(
        select(TranscriptTurn)
        .where(TranscriptTurn.session_id == session_id)
        .order_by(TranscriptTurn.seq)
    )
    return list(rows)


def trainees_led_by(lead_id: str, trainee_id: str | None = None) -> Select[str]:
    """The user ids of the members of every team `lead_id` leads (only `trainee_id`, if given).
    Supervisors see (and assign, review, follow the progress of) exactly these trainees."""
    lead = aliased(TeamMember)
    member = aliased(TeamMember)
    query = (
        select(member.user_id)
        .join(lead, lead.team_id == member.team_id)
        .where(lead.user_id == lead_id, lead.role == "lead", member.role == "member")
    )
    return query if trainee_id is None else query.where(member.user_id == trainee_id)


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


async def latest_published(db: AsyncSession, scenario_id: uuid.UUID) -> Scenario | None:
    """The newest published version of the scenario `scenario_id` is a version of (same slug):
    what an assignment's next attempt practises. None when no version of it is published."""
    slug = select(Scenario.slug).where(Scenario.id == scenario_id).scalar_subquery()
    return await db.scalar(
        select(Scenario)
        .where(Scenario.slug == slug, Scenario.status == "published")
        .order_by(Scenario.version.desc())
        .limit(1)
    )
