"""Scenarios: the library (the newest published version of each; authors also see drafts and
archived ones), one version, its versions, and authoring (api/scenarios/service.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.audit.service import AuditDep
from api.deps import CurrentUser, DbDep, IdempotencyKey, StaffUser
from api.errors import responses
from api.scenarios import service
from api.scenarios.queries import library
from core.contracts.rest import RubricCriterionView, ScenarioDetail, ScenarioView
from core.db.models import Scenario
from core.scenarios.schema import RubricDef, ScenarioDoc
from core.security import Principal

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"], responses=responses(401, 422))


def _view(s: Scenario) -> ScenarioView:
    return ScenarioView(
        id=s.id, slug=s.slug, version=s.version, title=s.title, difficulty=s.difficulty, summary=s.summary,
        briefing=s.briefing, status=s.status, built_in=s.org_id is None, updated_at=s.updated_at,
    )  # fmt: skip


def _detail(s: Scenario, user: Principal) -> ScenarioDetail:
    rubric = RubricDef.model_validate(s.rubric)
    return ScenarioDetail(
        **_view(s).model_dump(),
        pass_mark=rubric.pass_mark,
        criteria=[
            RubricCriterionView(id=c.id, title=c.title, weight=c.weight, description=c.description)
            for c in rubric.criteria
        ],
        definition=s.definition if user.role != "trainee" else None,
    )


@router.get(
    "", response_model=list[ScenarioView], summary="The library: newest published version of each"
)
async def list_scenarios(
    user: CurrentUser,
    db: DbDep,
    include: Annotated[
        Literal["all"] | None, Query(description="authors: drafts and archived too")
    ] = None,
) -> list[ScenarioView]:
    drafts_too = include == "all" and user.role != "trainee"
    return [_view(s) for s in await db.scalars(library(user, drafts_too=drafts_too))]


@router.get(
    "/{scenario_id}", response_model=ScenarioDetail, responses=responses(404),
    summary="One scenario version",
)  # fmt: skip
async def get_scenario(scenario_id: uuid.UUID, user: CurrentUser, db: DbDep) -> ScenarioDetail:
    return _detail(await service.readable_version(db, user, scenario_id), user)


@router.get(
    "/{scenario_id}/versions", response_model=list[ScenarioView], responses=responses(404),
    summary="Every version of the scenario this version belongs to, oldest first",
)  # fmt: skip
async def get_versions(scenario_id: uuid.UUID, user: CurrentUser, db: DbDep) -> list[ScenarioView]:
    return [_view(s) for s in await service.versions(db, user, scenario_id)]


@router.post(
    "", status_code=201, response_model=ScenarioDetail, responses=responses(403, 409),
    summary="Author a scenario: a draft, version 1 (it may be incomplete until published)",
)  # fmt: skip
async def create_scenario(
    body: ScenarioDoc, user: StaffUser, db: DbDep, audit: AuditDep,
    idempotency_key: IdempotencyKey = None,
) -> ScenarioDetail:  # fmt: skip
    # the same author sending the same document again gets the same draft, key or not
    return _detail(await service.create(db, audit, body), user)


@router.put(
    "/{scenario_id}", response_model=ScenarioDetail, responses=responses(403, 404, 409),
    summary="Edit: a draft in place; a published version makes the next version (a draft)",
)  # fmt: skip
async def edit_scenario(
    scenario_id: uuid.UUID, body: ScenarioDoc, user: StaffUser, db: DbDep, audit: AuditDep
) -> ScenarioDetail:
    return _detail(await service.edit(db, audit, scenario_id, body), user)


@router.post(
    "/{scenario_id}/publish", response_model=ScenarioDetail, responses=responses(403, 404, 409),
    summary="Publish a draft (422 naming every missing field; publishing twice publishes once)",
)  # fmt: skip
async def publish_scenario(
    scenario_id: uuid.UUID, user: StaffUser, db: DbDep, audit: AuditDep
) -> ScenarioDetail:
    return _detail(await service.publish(db, audit, scenario_id), user)


@router.post(
    "/{scenario_id}/archive", response_model=ScenarioDetail, responses=responses(403, 404, 409),
    summary="Archive the scenario: no new attempts; past attempts keep their version",
)  # fmt: skip
async def archive_scenario(
    scenario_id: uuid.UUID, user: StaffUser, db: DbDep, audit: AuditDep
) -> ScenarioDetail:
    return _detail(await service.archive(db, audit, scenario_id), user)
