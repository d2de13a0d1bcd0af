"""The deterministic rubric evaluator: transcript + rubric -> Evaluation. Pure and versioned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from core.contracts import (
    CriterionResult,
    Evaluation,
    EvaluatorInfo,
    Evidence,
    Rating,
    ScenarioRef,
    Turn,
)
from core.scenarios import CriterionDef, Rubric
from evaluation.metrics import compute_metrics, skills_by_turn

EVALUATOR_NAME = "voicetrain-rubric"
EVALUATOR_VERSION = "1.0.0"
MAX_EVIDENCE = 3
RATING_SCORE: dict[Rating, float] = {"met": 100.0, "partly": 50.0, "not_met": 0.0}


def _evidence(
    criterion: CriterionDef, trainee: Sequence[Turn], skills: dict[int, set[str]]
) -> tuple[list[Turn], int]:
    """Turns that show the criterion, and how many evidence items they hold: each pattern (an
    aspect of the criterion) or wanted skill found in a turn is one item, so one turn that both
    welcomes and explains confidentiality counts twice, but repeating one phrase does not."""
    patterns = [re.compile(p, re.IGNORECASE) for p in criterion.patterns]
    wanted = set(criterion.skills)
    turns: list[Turn] = []
    items = 0
    for t in trainee:
        hits = sum(1 for p in patterns if p.search(t.text)) + (1 if wanted & skills[t.seq] else 0)
        if hits:
            turns.append(t)
            items += hits
    return turns, items


def _rating(criterion: CriterionDef, count: int) -> Rating:
    if count >= criterion.met_at:
        return "met"
    if count >= criterion.partly_at:
        return "partly"
    return "not_met"


def _feedback(criterion: CriterionDef, rating: Rating, evidence: list[Turn]) -> str:
    base: str = getattr(criterion.feedback, rating)
    if not evidence:
        return base
    where = ", ".join(f"turn {t.seq}" for t in evidence[:MAX_EVIDENCE])
    return f"{base} (Seen in {len(evidence)} of your turns: {where}.)"


def score_criteria(turns: Sequence[Turn], rubric: Rubric) -> list[CriterionResult]:
    trainee = sorted((t for t in turns if t.speaker == "trainee"), key=lambda t: t.seq)
    by_turn = skills_by_turn(trainee)
    names = {seq: set(s.names) for seq, s in by_turn.items()}
    results = []
    for criterion in rubric.criteria:
        found, items = _evidence(criterion, trainee, names)
        rating = _rating(criterion, items)
        results.append(
            CriterionResult(
                id=criterion.id,
                title=criterion.title,
                weight=criterion.weight,
                rating=rating,
                score=RATING_SCORE[rating],
                evidence=[Evidence(seq=t.seq, quote=t.text) for t in found[:MAX_EVIDENCE]],
                feedback=_feedback(criterion, rating, found),
            )
        )
    return results


def overall(criteria: Sequence[CriterionResult]) -> float:
    total_weight = sum(c.weight for c in criteria)
    return (
        round(sum(c.weight * c.score for c in criteria) / total_weight, 1) if total_weight else 0.0
    )


def evaluate(
    *,
    session_id: UUID,
    turns: Sequence[Turn],
    rubric: Rubric,
    scenario_id: UUID,
    scenario_version: int,
    created_at: datetime,
    criteria: list[CriterionResult] | None = None,
    evaluator: EvaluatorInfo | None = None,
) -> Evaluation:
    """Score a transcript. `criteria`/`evaluator` let an LLM judgment replace the rubric scoring;
    the deterministic metrics are always computed here."""
    scored = criteria if criteria is not None else score_criteria(turns, rubric)
    score = overall(scored)
    return Evaluation(
        session_id=session_id,
        overall_score=score,
        passed=score >= rubric.pass_mark,
        pass_mark=rubric.pass_mark,
        criteria=scored,
        metrics=compute_metrics(turns),
        evaluator=evaluator or EvaluatorInfo(name=EVALUATOR_NAME, version=EVALUATOR_VERSION),
        scenario=ScenarioRef(id=scenario_id, version=scenario_version),
        created_at=created_at,
    )
