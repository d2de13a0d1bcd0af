"""Per-scenario calibration: a supervisor labels attempts (pass/fail, a score, a rating per
criterion) and sees how far the evaluator, re-run on those attempts with one version of the
scenario, agrees with them — the figures of `voicetrain calibrate`, for that scenario.

The REST bodies, and the ScenarioCalibration workflow's input and result (ids, ratings and
figures only: no transcript text crosses Temporal here)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictBool, StrictFloat

from core.contracts.base import Contract, LineText, Rating

CriterionKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9_]+$")]
# a scenario's labelled attempts the calibration re-scores, newest first (more is a long wait)
CALIBRATION_MAX_ATTEMPTS = 100


class CalibrationLabelRequest(Contract):
    """PUT /v1/sessions/{id}/calibration-label: what the supervisor reads in the attempt. Every
    criterion of the version it played is rated (an unrated criterion would count as nothing)."""

    passed: StrictBool = Field(description="would this attempt pass, in your reading")
    score: StrictFloat | None = Field(None, ge=0, le=100, description="0-100, optional")
    criteria: dict[CriterionKey, Rating] = Field(
        max_length=50, description="criterion id -> met | partly | not_met, for every criterion"
    )


class CalibrationLabelView(Contract):
    session_id: UUID
    scenario_id: UUID
    scenario_version: int
    passed: bool
    score: float | None
    criteria: dict[str, Rating]
    labelled_by: str
    updated_at: AwareDatetime


class CalibrateScenario(Contract):
    """The ScenarioCalibration workflow's input: which version rates which labelled attempts."""

    scenario_id: UUID
    session_ids: list[UUID] = Field(max_length=CALIBRATION_MAX_ATTEMPTS)


class CalibratedCriterion(Contract):
    id: str
    label: Rating
    evaluator: Rating | None  # None: this version has no such criterion


class CalibratedAttempt(Contract):
    session_id: UUID
    played_version: int
    label_passed: bool
    label_score: float | None
    evaluator_passed: bool
    evaluator_score: float
    criteria: list[CalibratedCriterion]


class CalibrationFigures(Contract):
    """`voicetrain calibrate`'s figures (evaluation/calibration.py computes both)."""

    attempts: int
    pass_agreement: float | None  # share of attempts where pass/fail agrees
    ranking: float | None  # share of clearly separated pairs (>= 10 points) ordered alike
    ranked_pairs: int
    criterion_agreement: float | None
    criteria_rated: int
    criterion_kappa: float | None  # quadratic-weighted, not_met < partly < met
    mae: float | None  # mean |evaluator score - label score|, over labels with a score


class CalibrationReport(Contract):
    scenario_id: UUID
    slug: LineText
    version: int
    evaluator: LineText
    figures: CalibrationFigures
    attempts: list[CalibratedAttempt]
    # criterion id -> (times the evaluator rated above the label, below it)
    criterion_misses: dict[str, tuple[int, int]]
