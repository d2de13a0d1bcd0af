"""Teams and membership (admins manage them; supervisors and trainees read their own)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.contracts.rest_teams import TeamMemberSet, TeamMemberView, TeamRole, TeamView
from core.db.models import Team, TeamMember, User
from core.errors import NotFound
from core.security import Principal


async def team_views(db: AsyncSession, teams: list[Team]) -> list[TeamView]:
    rows = (
        await db.execute(
            select(TeamMember, User)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.team_id.in_([t.id for t in teams]))
            .order_by(TeamMember.role, TeamMember.user_id)
        )
    ).all()
    members: dict[uuid.UUID, list[TeamMemberView]] = {t.id: [] for t in teams}
    for m, u in rows:
        role: TeamRole = "lead" if m.role == "lead" else "member"
        members[m.team_id].append(
            TeamMemberView(user_id=u.id, role=role, name=u.name, email=u.email)
        )
    return [
        TeamView(id=t.id, name=t.name, created_at=t.created_at, members=members[t.id])
        for t in teams
    ]


async def visible_teams(db: AsyncSession, user: Principal) -> list[Team]:
    """An admin sees every team, anyone else the teams they belong to."""
    query = select(Team).order_by(Team.name, Team.id)
    if user.role != "admin":
        query = query.where(
            Team.id.in_(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
        )
    return list(await db.scalars(query))


async def visible_team(db: AsyncSession, user: Principal, team_id: uuid.UUID) -> Team:
    team = next((t for t in await visible_teams(db, user) if t.id == team_id), None)
    if team is None:
        raise NotFound("team not found")
    return team


async def set_member(
    db: AsyncSession, team: Team, user_id: str, body: TeamMemberSet
) -> TeamMemberView:
    """Idempotent: adds the user or changes their role. A user who has not signed in yet is
    provisioned with the role the team gives them; their token fills in the profile."""
    await db.execute(
        insert(User)
        .values(id=user_id, role="supervisor" if body.role == "lead" else "trainee")
        .on_conflict_do_nothing()
    )
    statement = insert(TeamMember).values(
        id=uuid.uuid4(), team_id=team.id, user_id=user_id, role=body.role
    )
    await db.execute(
        statement.on_conflict_do_update(
            index_elements=[TeamMember.team_id, TeamMember.user_id],
            set_={"role": statement.excluded.role},
        )
    )
    await db.commit()
    user = await db.get(User, user_id)
    assert user is not None
    return TeamMemberView(user_id=user_id, role=body.role, name=user.name, email=user.email)


async def remove_member(db: AsyncSession, team: Team, user_id: str) -> None:
    result = await db.execute(
        delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
    )
    await db.commit()
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound("not a member of this team")
