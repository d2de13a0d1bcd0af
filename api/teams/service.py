"""Teams and membership (admins manage them; supervisors and trainees read their own)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.teams import queries
from core.contracts.rest_teams import (
    TeamCreate,
    TeamMemberSet,
    TeamMemberView,
    TeamRole,
    TeamUpdate,
    TeamView,
)
from core.db.models import Team, TeamMember, User
from core.errors import NotFound
from core.security import Principal


async def team_views(db: AsyncSession, teams: list[Team]) -> list[TeamView]:
    rows = (await db.execute(queries.members_of([t.id for t in teams]))).all()
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


async def list_teams(db: AsyncSession, user: Principal) -> list[TeamView]:
    return await team_views(db, list(await db.scalars(queries.visible_teams(user))))


async def visible_team(db: AsyncSession, user: Principal, team_id: uuid.UUID) -> Team:
    team = await db.scalar(queries.visible_teams(user).where(Team.id == team_id))
    if team is None:
        raise NotFound("team not found")
    return team


async def get_team(db: AsyncSession, user: Principal, team_id: uuid.UUID) -> TeamView:
    return (await team_views(db, [await visible_team(db, user, team_id)]))[0]


async def create_team(db: AsyncSession, body: TeamCreate) -> TeamView:
    team = Team(name=body.name)
    db.add(team)
    await db.commit()
    await db.refresh(team)
    return (await team_views(db, [team]))[0]


async def rename_team(
    db: AsyncSession, user: Principal, team_id: uuid.UUID, body: TeamUpdate
) -> TeamView:
    team = await visible_team(db, user, team_id)
    team.name = body.name
    await db.commit()
    return (await team_views(db, [team]))[0]


async def delete_team(db: AsyncSession, user: Principal, team_id: uuid.UUID) -> None:
    await db.delete(await visible_team(db, user, team_id))
    await db.commit()


async def set_member(
    db: AsyncSession, user: Principal, team_id: uuid.UUID, user_id: str, body: TeamMemberSet
) -> TeamMemberView:
    """Idempotent: adds the user or changes their role. A user who has not signed in yet is
    provisioned with the role the team gives them; their token fills in the profile."""
    team = await visible_team(db, user, team_id)
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
    member = await db.get(User, user_id)
    assert member is not None
    return TeamMemberView(user_id=user_id, role=body.role, name=member.name, email=member.email)


async def remove_member(
    db: AsyncSession, user: Principal, team_id: uuid.UUID, user_id: str
) -> None:
    team = await visible_team(db, user, team_id)
    result = await db.execute(
        delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
    )
    await db.commit()
    if not result.rowcount:  # type: ignore[attr-defined]  # Result lacks rowcount in the stubs
        raise NotFound("not a member of this team")
