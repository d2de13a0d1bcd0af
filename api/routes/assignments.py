"""Assignments: supervisors and admins assign scenarios to trainees."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from api.deps import CurrentUser, DbDep, StaffUser
from api.errors import responses
from core.contracts import AssignmentCreate, AssignmentPage, AssignmentView
from core.db.models import Assignment, Scenario, TrainingSession, User
from core.errors import NotFound

router = APIRouter(prefix="/v1/assignments", tags=["assignments"], responses=responses(401, 422))


def _view(a: Assignment, slug: str, used: int) -> AssignmentView:
    return AssignmentView(
        id=a.id, scenario_id=a.scenario_id, scenario_slug=slug, trainee_id=a.trainee_id, assigned_by=a.assigned_by,
        due_at=a.due_at, max_attempts=a.max_attempts, attempts_used=used, created_at=a.created_at,
    )  # fmt: skip


@router.post(
    "",
    status_code=201,
    response_model=AssignmentView,
    responses=responses(403, 404),
    summary="Assign a scenario",
)
async def create_assignment(body: AssignmentCreate, user: StaffUser, db: DbDep) -> AssignmentView:
    scenario = await db.get(Scenario, body.scenario_id)
    if scenario is None:
        raise NotFound("scenario not found")
    # A trainee who has not signed in yet is provisioned now; their token fills in the profile.
    await db.execute(
        insert(User).values(id=body.trainee_id, role="trainee").on_conflict_do_nothing()
    )
    assignment = Assignment(
        scenario_id=scenario.id, trainee_id=body.trainee_id, assigned_by=user.id, due_at=body.due_at,
        max_attempts=body.max_attempts,
    )  # fmt: skip
    db.add(assignment)
    await db.commit()
    await db.refresh(assignment)
    return _view(assignment, scenario.slug, 0)  # a new assignment has no attempts yet


@router.get(
    "",
    response_model=AssignmentPage,
    summary="Your assignments (trainee) or those you made (supervisor)",
)
async def list_assignments(user: CurrentUser, db: DbDep) -> AssignmentPage:
    used = (
        select(func.count())
        .where(TrainingSession.assignment_id == Assignment.id)
        .correlate(Assignment)
        .scalar_subquery()
    )
    query = select(Assignment, Scenario.slug, used).join(
        Scenario, Scenario.id == Assignment.scenario_id
    )
    if user.role == "trainee":
        query = query.where(Assignment.trainee_id == user.id)
    elif user.role == "supervisor":
        query = query.where(Assignment.assigned_by == user.id)
    rows = (await db.execute(query.order_by(Assignment.created_at.desc()).limit(500))).all()
    return AssignmentPage(items=[_view(a, slug, n) for a, slug, n in rows])
