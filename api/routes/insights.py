"""Insights for supervisors: AI-vs-supervisor agreement over reviewed sessions and a trainee's
progress over time (both computed in SQL: api/insights/)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from api.deps import CurrentUser, DbDep
from api.errors import responses
from api.insights import service
from core.contracts.base import LineText
from core.contracts.rest_insights import EvaluationAgreement, TraineeProgress

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
    return await service.agreement(db, user, scenario, since)


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
    return await service.progress(db, user, trainee_id)
