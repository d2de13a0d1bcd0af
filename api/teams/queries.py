"""Team statements: which teams a principal sees, their members, and whether a supervisor leads
a trainee (who leads whom is core.db.queries.trainees_led_by, the visibility statement's base)."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Team, TeamMember, User
from core.db.queries import trainees_led_by
from core.security import Principal


async def leads_trainee(db: AsyncSession, lead_id: str, trainee_id: str) -> bool:
    return bool(await db.scalar(select(exists(trainees_led_by(lead_id, trainee_id)))))


def visible_teams(user: Principal) -> Select[Team]:
    """An admin sees every team, anyone else the teams they belong to."""
    query = select(Team).order_by(Team.name, Team.id)
    if user.role != "admin":
        query = query.where(
            Team.id.in_(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
        )
    return query


def members_of(team_ids: list[uuid.UUID]) -> Select[TeamMember, User]:
    return (
        select(TeamMember, User)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id.in_(team_ids))
        .order_by(TeamMember.role, TeamMember.user_id)
    )
