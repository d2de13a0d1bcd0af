"""Per-scenario calibration: a supervisor labels attempts they can see, and asks how far the
evaluator, re-run with one version of the scenario, agrees with the labels. The API checks who
may label and see what and which attempts count; the worker scores them (the ScenarioCalibration
workflow: the API never runs the engine)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowFailureError
from temporalio.service import RPCError

from api.audit.service import Auditor
from api.scenarios.service import readable_version
from api.visibility import get_visible_session
from core.contracts.calibration import (
    CALIBRATION_MAX_ATTEMPTS,
    CalibrateScenario,
    CalibrationLabelRequest,
    CalibrationLabelView,
    CalibrationReport,
)
from core.db.evaluations import current_evaluation
from core.db.models import CalibrationLabel, Scenario, TrainingSession
from core.db.queries import visible_sessions
from core.errors import BadRequest, Conflict, NoEvaluation, NotFound, Unavailable
from core.scenarios.schema import RubricDef
from core.security import Principal
from workflows.interface import run_calibration


async def put_label(
    db: AsyncSession, audit: Auditor, session_id: uuid.UUID, body: CalibrationLabelRequest
) -> CalibrationLabelView:
    """Label an evaluated attempt: every criterion of the version it played rated, nothing else.
    The same label sent twice changes nothing (and is audited once)."""
    session = await get_visible_session(db, audit.user, session_id)
    if await current_evaluation(db, session.id) is None:
        raise NoEvaluation("label an attempt once it has been evaluated")
    if session.transcripts_purged_at is not None:
        raise Conflict(
            "this attempt's transcript was removed by retention: nothing to calibrate on"
        )
    scenario = await db.get(Scenario, session.scenario_id)
    assert scenario is not None
    _check_criteria(body, RubricDef.model_validate(scenario.rubric))
    values = {
        "labelled_by": audit.user.id,
        "passed": body.passed,
        "score": body.score,
        "criteria": dict(body.criteria),
    }
    now = datetime.now(UTC)
    statement = insert(CalibrationLabel).values(session_id=session.id, updated_at=now, **values)
    changed = await db.scalar(
        statement.on_conflict_do_update(
            index_elements=[CalibrationLabel.session_id],
            set_={**values, "updated_at": now},
            # an unchanged label is not written again: no new time, no second audit event
            where=(
                (CalibrationLabel.labelled_by != statement.excluded.labelled_by)
                | (CalibrationLabel.passed != statement.excluded.passed)
                | CalibrationLabel.score.is_distinct_from(statement.excluded.score)
                | (CalibrationLabel.criteria != statement.excluded.criteria)
            ),
        ).returning(CalibrationLabel.session_id)
    )
    if changed is not None:
        audit.add(
            "calibration.label", "session", session.id, session_id=session.id,
            subject_user_id=session.user_id,
        )  # fmt: skip
    await db.commit()
    return await get_label(db, audit.user, session.id)


def _check_criteria(body: CalibrationLabelRequest, rubric: RubricDef) -> None:
    ids = [c.id for c in rubric.criteria]
    problems = [
        (f"criteria.{cid}", "not a criterion of the scenario version this attempt played")
        for cid in body.criteria
        if cid not in ids
    ] + [
        (f"criteria.{cid}", "not rated: rate every criterion")
        for cid in ids
        if cid not in body.criteria
    ]
    if problems:
        raise BadRequest("; ".join(f"{p}: {m}" for p, m in problems), problems=problems)


async def get_label(
    db: AsyncSession, user: Principal, session_id: uuid.UUID
) -> CalibrationLabelView:
    session = await get_visible_session(db, user, session_id)
    row = await db.execute(
        select(CalibrationLabel, Scenario)
        .join(TrainingSession, TrainingSession.id == CalibrationLabel.session_id)
        .join(Scenario, Scenario.id == TrainingSession.scenario_id)
        .where(CalibrationLabel.session_id == session.id)
    )
    found = row.first()
    if found is None:
        raise NotFound("this attempt has no calibration label")
    label, scenario = found
    return CalibrationLabelView(
        session_id=label.session_id, scenario_id=scenario.id, scenario_version=scenario.version,
        passed=label.passed, score=label.score, criteria=label.criteria,
        labelled_by=label.labelled_by, updated_at=label.updated_at,
    )  # fmt: skip


async def calibrate(
    db: AsyncSession, temporal: Client, audit: Auditor, scenario_id: uuid.UUID, task_queue: str
) -> CalibrationReport:
    """The labelled attempts of this scenario (any version) the caller can see and whose
    transcript is still held, newest first, up to CALIBRATION_MAX_ATTEMPTS, re-scored with this
    version."""
    scenario = await readable_version(db, audit.user, scenario_id)
    labelled = (
        await db.execute(
            select(CalibrationLabel.session_id, CalibrationLabel.updated_at)
            .join(TrainingSession, TrainingSession.id == CalibrationLabel.session_id)
            .join(Scenario, Scenario.id == TrainingSession.scenario_id)
            .where(
                Scenario.slug == scenario.slug,
                visible_sessions(audit.user),
                # a transcript purged by retention cannot be re-scored: its label stays, unused
                TrainingSession.transcripts_purged_at.is_(None),
            )
            .order_by(TrainingSession.created_at.desc())
            .limit(CALIBRATION_MAX_ATTEMPTS)
        )
    ).all()
    audit.add("scenario.calibrate", "scenario", scenario.id)
    await db.commit()
    # the labels' set and their times name the run: asking again while it runs joins it
    digest = hashlib.sha256(
        "|".join(f"{sid}@{at.isoformat()}" for sid, at in labelled).encode()
    ).hexdigest()[:16]
    request = CalibrateScenario(scenario_id=scenario.id, session_ids=[sid for sid, _ in labelled])
    try:
        return await run_calibration(temporal, request, task_queue=task_queue, digest=digest)
    except (WorkflowFailureError, RPCError) as exc:
        raise Unavailable("the calibration could not be computed now; try again") from exc
