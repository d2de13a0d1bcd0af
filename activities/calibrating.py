"""The calibrate_scenario activity: the evaluator re-run, with one version of a scenario, on the
attempts supervisors labelled, and its agreement with their labels (evaluation/calibration.py,
the same figures as `voicetrain calibrate`). Reads ids from Temporal, transcripts from
Postgres; returns ratings and figures, never text."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.evaluating import evaluate_stored
from activities.heartbeat import heartbeating
from core.contracts.base import Rating
from core.contracts.calibration import (
    CalibratedAttempt,
    CalibratedCriterion,
    CalibrateScenario,
    CalibrationFigures,
    CalibrationReport,
)
from core.contracts.evaluation import Evaluation
from core.db.convert import row_to_turn
from core.db.engine import SessionMaker
from core.db.models import CalibrationLabel, Scenario, TrainingSession, TranscriptTurn
from evaluation.calibration import Scored, agreement
from evaluation.labelled import Labels
from evaluation.rubric import EVALUATOR_NAME, EVALUATOR_VERSION


class CalibrationActivities:
    def __init__(self, sessionmaker: SessionMaker) -> None:
        self.db = sessionmaker

    @activity.defn
    async def calibrate_scenario(self, request: CalibrateScenario) -> CalibrationReport:
        async with heartbeating():
            return await calibrate(self.db, request)


async def calibrate(sessionmaker: SessionMaker, request: CalibrateScenario) -> CalibrationReport:
    async with sessionmaker() as db:
        scenario = await db.get(Scenario, request.scenario_id)
        if scenario is None:
            raise ApplicationError("scenario not found", type="NotFound", non_retryable=True)
        labelled = (
            await db.execute(
                select(CalibrationLabel, Scenario.version)
                .join(TrainingSession, TrainingSession.id == CalibrationLabel.session_id)
                .join(Scenario, Scenario.id == TrainingSession.scenario_id)
                .where(CalibrationLabel.session_id.in_(request.session_ids))
            )
        ).all()
        rows = await db.scalars(
            select(TranscriptTurn)
            .where(TranscriptTurn.session_id.in_([label.session_id for label, _ in labelled]))
            .order_by(TranscriptTurn.session_id, TranscriptTurn.seq)
        )
        turns: dict[uuid.UUID, list[TranscriptTurn]] = {}
        for row in rows:
            turns.setdefault(row.session_id, []).append(row)
    order = {sid: i for i, sid in enumerate(request.session_ids)}
    scored: list[Scored] = []
    attempts: list[CalibratedAttempt] = []
    for label, played in sorted(labelled, key=lambda lv: order[lv[0].session_id]):
        said = [row_to_turn(r) for r in turns.get(label.session_id, [])]
        evaluation = evaluate_stored(scenario, label.session_id, said)
        ratings: dict[str, Rating] = dict(label.criteria)
        labels = Labels(expert_passed=label.passed, expert_score=label.score, criteria=ratings)
        scored.append(Scored(str(label.session_id), labels, evaluation))
        attempts.append(_attempt(label, played, evaluation, ratings))
        await asyncio.sleep(0)  # the engine is CPU work: let the worker's other tasks run
    figures = agreement(scored)
    return CalibrationReport(
        scenario_id=scenario.id,
        slug=scenario.slug,
        version=scenario.version,
        evaluator=f"{EVALUATOR_NAME} {EVALUATOR_VERSION}",
        figures=CalibrationFigures(
            attempts=figures.files,
            pass_agreement=figures.pass_agreement,
            ranking=figures.ranking,
            ranked_pairs=figures.pairs,
            criterion_agreement=figures.criterion_agreement,
            criteria_rated=figures.criteria_labelled,
            criterion_kappa=figures.criterion_kappa,
            mae=figures.mae,
        ),
        attempts=attempts,
        criterion_misses=figures.criterion_misses,
    )


def _attempt(
    label: CalibrationLabel, played: int, evaluation: Evaluation, ratings: dict[str, Rating]
) -> CalibratedAttempt:
    rated = {c.id: c.rating for c in evaluation.criteria}
    return CalibratedAttempt(
        session_id=label.session_id,
        played_version=played,
        label_passed=label.passed,
        label_score=label.score,
        evaluator_passed=evaluation.passed,
        evaluator_score=evaluation.overall_score,
        criteria=[
            CalibratedCriterion(id=cid, label=rating, evaluator=rated.get(cid))
            for cid, rating in ratings.items()
        ],
    )
