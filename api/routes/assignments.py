"""Assignments: supervisors (for the trainees of the teams they lead) and admins assign
scenarios; trainees list their own; each with its derived status (api/assignments/)."""

from __future__ import annotations

from fastapi import APIRouter

from api.assignments import service
from api.audit.service import AuditDep
from api.deps import CurrentUser, DbDep, StaffUser
from api.errors import responses
from core.contracts.rest_assignments import AssignmentCreate, AssignmentPage, AssignmentView

router = APIRouter(prefix="/v1/assignments", tags=["assignments"], responses=responses(401, 422))


@router.post(
    "",
    status_code=201,
    response_model=AssignmentView,
    responses=responses(403, 404),
    summary="Assign a scenario (supervisors: to trainees of the teams they lead, else 403)",
)
async def create_assignment(
    body: AssignmentCreate, user: StaffUser, db: DbDep, audit: AuditDep
) -> AssignmentView:
    return await service.create_assignment(db, user, body, audit)


@router.get(
    "",
    response_model=AssignmentPage,
    summary="Your assignments (trainee), your teams' (supervisor) or all (admin), with status",
)
async def list_assignments(user: CurrentUser, db: DbDep) -> AssignmentPage:
    return AssignmentPage(items=await service.list_assignments(db, user))
