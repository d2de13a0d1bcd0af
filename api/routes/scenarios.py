"""The scenario library (latest version of each scenario)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import func, select

from api.deps import CurrentUser, DbDep
from api.errors import responses
from core.contracts.rest import RubricCriterionView, ScenarioDetail, ScenarioView
from core.db.models import Scenario
from core.errors import NotFound
from core.scenarios.schema import RubricDef

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"], responses=responses(401, 422))


def _view(s: Scenario) -> ScenarioView:
    return ScenarioView(
        id=s.id, slug=s.slug, version=s.version, title=s.title, difficulty=s.difficulty, summary=s.summary,
        briefing=s.briefing,
    )  # fmt: skip


@router.get(
    "", response_model=list[ScenarioView], summary="The library: latest version of every scenario"
)
async def list_scenarios(_: CurrentUser, db: DbDep) -> list[ScenarioView]:
    latest = (
        select(Scenario.slug, func.max(Scenario.version).label("v"))
        .group_by(Scenario.slug)
        .subquery()
    )
    rows = await db.scalars(
        select(Scenario)
        .join(latest, (Scenario.slug == latest.c.slug) & (Scenario.version == latest.c.v))
        .order_by(Scenario.slug)
    )
    return [_view(s) for s in rows]


@router.get(
    "/{scenario_id}",
    response_model=ScenarioDetail,
    responses=responses(404),
    summary="One scenario version",
)
async def get_scenario(scenario_id: uuid.UUID, _: CurrentUser, db: DbDep) -> ScenarioDetail:
    scenario = await db.get(Scenario, scenario_id)
    if scenario is None:
        raise NotFound("scenario not found")
    rubric = RubricDef.model_validate(scenario.rubric)
    return ScenarioDetail(
        **_view(scenario).model_dump(),
        pass_mark=rubric.pass_mark,
        criteria=[
            RubricCriterionView(id=c.id, title=c.title, weight=c.weight, description=c.description)
            for c in rubric.criteria
        ],
    )
