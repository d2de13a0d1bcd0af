"""Per-scenario calibration (api/calibration/service.py): label an attempt, read its label, and
a scenario version's agreement with the labels of the attempts you can see."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.audit.service import AuditDep
from api.calibration import service
from api.deps import DbDep, SettingsDep, StaffUser, TemporalDep
from api.errors import responses
from core.contracts.calibration import (
    CalibrationLabelRequest,
    CalibrationLabelView,
    CalibrationReport,
)

router = APIRouter(prefix="/v1", tags=["calibration"], responses=responses(401, 403, 404, 422))


@router.put(
    "/sessions/{session_id}/calibration-label",
    response_model=CalibrationLabelView,
    responses=responses(409),
    summary="Label an evaluated attempt for its scenario's calibration (supervisors, admins)",
    description="Pass/fail, an optional score and a rating for every criterion of the version "
    "the attempt played (422 naming each criterion missing or unknown). One label per attempt: "
    "a new label replaces it; the same label sent twice changes nothing. 409 `no_evaluation` "
    "before the attempt is evaluated; 404 when you cannot see it.",
)
async def put_label(
    session_id: uuid.UUID, body: CalibrationLabelRequest, user: StaffUser, db: DbDep,
    audit: AuditDep,
) -> CalibrationLabelView:  # fmt: skip
    return await service.put_label(db, audit, session_id, body)


@router.get(
    "/sessions/{session_id}/calibration-label",
    response_model=CalibrationLabelView,
    summary="An attempt's calibration label (404 when it has none)",
)
async def get_label(session_id: uuid.UUID, user: StaffUser, db: DbDep) -> CalibrationLabelView:
    return await service.get_label(db, user, session_id)


@router.get(
    "/scenarios/{scenario_id}/calibration",
    response_model=CalibrationReport,
    responses=responses(503),
    summary="How far the evaluator, with this version, agrees with the labelled attempts",
    description="The evaluator is re-run with this version (a draft too) on the labelled "
    "attempts of this scenario (any version) that you can see, newest 100 first: pass/fail "
    "agreement, ranking of clearly separated attempts, per-criterion agreement, weighted kappa "
    "and MAE, as `voicetrain calibrate` reports them, and each attempt's ratings side by side.",
)
async def get_calibration(
    scenario_id: uuid.UUID, user: StaffUser, db: DbDep, temporal: TemporalDep,
    settings: SettingsDep, audit: AuditDep,
) -> CalibrationReport:  # fmt: skip
    return await service.calibrate(db, temporal, audit, scenario_id, settings.task_queue)
