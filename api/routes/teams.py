"""Teams: admins create, rename and delete them and manage membership (supervisors lead,
trainees are members); everyone can read the teams they belong to."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AdminUser, CurrentUser, DbDep
from api.errors import responses
from api.teams import service
from core.contracts.base import LineText
from core.contracts.rest_teams import (
    TeamCreate,
    TeamMemberSet,
    TeamMemberView,
    TeamPage,
    TeamUpdate,
    TeamView,
)

router = APIRouter(prefix="/v1/teams", tags=["teams"], responses=responses(401, 422))
UserId = Annotated[LineText, Path(min_length=1, max_length=200)]


@router.post(
    "", status_code=201, response_model=TeamView, responses=responses(403), summary="Create a team"
)
async def create_team(body: TeamCreate, user: AdminUser, db: DbDep) -> TeamView:
    return await service.create_team(db, body)


@router.get("", response_model=TeamPage, summary="All teams (admin) or the teams you belong to")
async def list_teams(user: CurrentUser, db: DbDep) -> TeamPage:
    return TeamPage(items=await service.list_teams(db, user))


@router.get("/{team_id}", response_model=TeamView, responses=responses(404), summary="One team")
async def get_team(team_id: uuid.UUID, user: CurrentUser, db: DbDep) -> TeamView:
    return await service.get_team(db, user, team_id)


@router.patch(
    "/{team_id}", response_model=TeamView, responses=responses(403, 404), summary="Rename a team"
)
async def rename_team(team_id: uuid.UUID, body: TeamUpdate, user: AdminUser, db: DbDep) -> TeamView:
    return await service.rename_team(db, user, team_id, body)


@router.delete(
    "/{team_id}", status_code=204, responses=responses(403, 404), summary="Delete a team"
)
async def delete_team(team_id: uuid.UUID, user: AdminUser, db: DbDep) -> Response:
    await service.delete_team(db, user, team_id)
    return Response(status_code=204)


@router.put(
    "/{team_id}/members/{user_id}",
    response_model=TeamMemberView,
    responses=responses(403, 404),
    summary="Add a member or change their role (idempotent)",
)
async def put_member(
    team_id: uuid.UUID, user_id: UserId, body: TeamMemberSet, user: AdminUser, db: DbDep
) -> TeamMemberView:
    return await service.set_member(db, user, team_id, user_id, body)


@router.delete(
    "/{team_id}/members/{user_id}",
    status_code=204,
    responses=responses(403, 404),
    summary="Remove a member",
)
async def delete_member(
    team_id: uuid.UUID, user_id: UserId, user: AdminUser, db: DbDep
) -> Response:
    await service.remove_member(db, user, team_id, user_id)
    return Response(status_code=204)
