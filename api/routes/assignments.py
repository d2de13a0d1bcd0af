"""Assignments: supervisors (for the trainees of the teams they lead) and admins assign
scenarios; trainees list their own; each with its derived status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.dialects.postgresql import insert

from api.deps import CurrentUser, DbDep, StaffUser
from api.errors import responses
from core.contracts.rest_assignments import AssignmentCreate, AssignmentPage, AssignmentView
from core.db.assignments import assignments_for
from core.db.models import Assignment, Scenario, User
from core.db.teams import leads_trainee
from core.errors import Forbidden, NotFound

router = APIRouter(prefix="/v1/assignments", tags=["assignments"], responses=responses(401, 422))


def _view(a: Assignment, slug: str, used: int, status: Any, best: float | None) -> AssignmentView:
    return AssignmentView(
        id=a.id, scenario_id=a.scenario_id, scenario_slug=slug, trainee_id=a.trainee_id, assigned_by=a.assigned_by,
        due_at=a.due_at, max_attempts=a.max_attempts, attempts_used=used, created_at=a.created_at,
        min_score=a.min_score, review_required=a.review_required, late_policy=a.late_policy,
        status=status, best_score=best,
    )  # fmt: skip


@router.post(
    "",
    status_code=201,
    response_model=AssignmentView,
    responses=responses(403, 404),
    summary="Assign a scenario (supervisors: to trainees of the teams they lead, else 403)",
)
async def create_assignment(body: AssignmentCreate, user: StaffUser, db: DbDep) -> AssignmentView:
    scenario = await db.get(Scenario, body.scenario_id)
    if scenario is None:
        raise NotFound("scenario not found")
    if user.role != "admin" and not await leads_trainee(db, user.id, body.trainee_id):
        raise Forbidden("you can assign only to trainees of the teams you lead")
    # A trainee who has not signed in yet is provisioned now; their token fills in the profile.
    await db.execute(
        insert(User).values(id=body.trainee_id, role="trainee").on_conflict_do_nothing()
    )
    assignment = Assignment(
        scenario_id=scenario.id, trainee_id=body.trainee_id, assigned_by=user.id, due_at=body.due_at,
        max_attempts=body.max_attempts, min_score=body.min_score,
        review_required=body.review_required, late_policy=body.late_policy,
    )  # fmt: skip
    db.add(assignment)
    await db.commit()
    row = (await db.execute(assignments_for(user).where(Assignment.id == assignment.id))).one()
    return _view(*row)


@router.get(
    "",
    response_model=AssignmentPage,
    summary="Your assignments (trainee), your teams' (supervisor) or all (admin), with status",
)
async def list_assignments(user: CurrentUser, db: DbDep) -> AssignmentPage:
    query = assignments_for(user).order_by(Assignment.created_at.desc()).limit(500)
    return AssignmentPage(items=[_view(*row) for row in (await db.execute(query)).all()])
