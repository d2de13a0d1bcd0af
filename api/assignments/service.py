"""Assignments: who may assign to whom, provisioning a trainee on first assignment, and the
views with their derived status (computed in SQL: api/assignments/queries.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.assignments.queries import assignments_for
from api.audit.service import Auditor
from api.scenarios.service import readable_version
from api.teams.queries import leads_trainee
from core.contracts.rest_assignments import AssignmentCreate, AssignmentView
from core.db.models import Assignment, User
from core.db.queries import latest_published
from core.errors import Forbidden, NotFound
from core.security import Principal

LIST_LIMIT = 500


def _view(a: Assignment, slug: str, used: int, status: Any, best: float | None) -> AssignmentView:
    return AssignmentView(
        id=a.id, scenario_id=a.scenario_id, scenario_slug=slug, trainee_id=a.trainee_id, assigned_by=a.assigned_by,
        due_at=a.due_at, max_attempts=a.max_attempts, attempts_used=used, created_at=a.created_at,
        min_score=a.min_score, review_required=a.review_required, late_policy=a.late_policy,
        status=status, best_score=best,
    )  # fmt: skip


async def create_assignment(
    db: AsyncSession, user: Principal, body: AssignmentCreate, audit: Auditor
) -> AssignmentView:
    scenario = await readable_version(db, user, body.scenario_id)
    if await latest_published(db, scenario.id) is None:
        raise NotFound("scenario not found (publish it before assigning it)")
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
    await db.flush()
    audit.add("assignment.create", "assignment", assignment.id, subject_user_id=body.trainee_id)
    await db.commit()
    row = (await db.execute(assignments_for(user).where(Assignment.id == assignment.id))).one()
    return _view(*row)


async def list_assignments(db: AsyncSession, user: Principal) -> list[AssignmentView]:
    query = assignments_for(user).order_by(Assignment.created_at.desc()).limit(LIST_LIMIT)
    return [_view(*row) for row in (await db.execute(query)).all()]
