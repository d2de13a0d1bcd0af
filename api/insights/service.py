"""Who may see which insight: agreement figures are for supervisors and admins; a trainee's
progress for the trainee, the leads of their teams and admins (anyone else: not found)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.insights import queries
from api.teams.queries import leads_trainee
from core.contracts.rest_insights import EvaluationAgreement, TraineeProgress
from core.errors import Forbidden, NotFound
from core.security import Principal


async def agreement(
    db: AsyncSession, user: Principal, scenario: str | None, since: datetime | None
) -> EvaluationAgreement:
    if user.role == "trainee":
        raise Forbidden("agreement figures are for supervisors and admins")
    return await queries.agreement(db, user, scenario, since)


async def progress(db: AsyncSession, user: Principal, trainee_id: str) -> TraineeProgress:
    allowed = (
        user.role == "admin"
        or user.id == trainee_id
        or (user.role == "supervisor" and await leads_trainee(db, user.id, trainee_id))
    )
    if not allowed:
        raise NotFound("trainee not found")
    return await queries.progress(db, user, trainee_id)
