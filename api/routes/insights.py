"""Insights for supervisors: AI-vs-supervisor agreement over reviewed sessions and a trainee's
progress over time (both computed in SQL: core/db/insights.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from api.deps import CurrentUser, DbDep
from api.errors import responses
from core.contracts.base import LineText
from core.contracts.rest_insights import EvaluationAgreement, TraineeProgress
from core.db import insights
from core.db.teams import leads_trainee
from core.errors import Forbidden, NotFound

router = APIRouter(prefix="/v1", tags=["insights"], responses=responses(401, 422))


@router.get(
    "/evaluation-agreement",
    response_model=EvaluationAgreement,
    responses=responses(403),
    summary="AI vs supervisor agreement per criterion and on pass/fail, over reviewed sessions",
)
async def get_agreement(
    user: CurrentUser,
    db: DbDep,
    scenario: Annotated[
        LineText | None, Query(max_length=100, description="a scenario slug")
    ] = None,
    since: Annotated[AwareDatetime | None, Query(description="sessions started since")] = None,
) -> EvaluationAgreement:
    if user.role == "trainee":
        raise Forbidden("agreement figures are for supervisors and admins")
    return await insights.agreement(db, user, scenario, since)


@router.get(
    "/trainees/{trainee_id}/progress",
    response_model=TraineeProgress,
    responses=responses(404),
    summary="A trainee's attempts, scores, criterion and skill trends (over what you can see)",
)
async def get_progress(
    trainee_id: Annotated[LineText, Path(min_length=1, max_length=200)],
    user: CurrentUser,
    db: DbDep,
) -> TraineeProgress:
    allowed = (
        user.role == "admin"
        or user.id == trainee_id
        or (user.role == "supervisor" and await leads_trainee(db, user.id, trainee_id))
    )
    if not allowed:
        raise NotFound("trainee not found")
    return await insights.progress(db, user, trainee_id)
