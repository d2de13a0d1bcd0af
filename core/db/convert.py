"""Row <-> contract conversions shared by the activities and the API."""

from __future__ import annotations

from core.contracts import (
    CriterionResult,
    Evaluation,
    EvaluatorInfo,
    RedFlag,
    ReviewInfo,
    ScenarioRef,
    ScenarioSummary,
    SkillMetrics,
    Turn,
)
from core.db.models import EvaluationRow, Scenario, TranscriptTurn


def evaluation_to_row(evaluation: Evaluation) -> dict[str, object]:
    return {
        "session_id": evaluation.session_id,
        "overall_score": evaluation.overall_score,
        "passed": evaluation.passed,
        "pass_mark": evaluation.pass_mark,
        "criteria": {"items": [c.model_dump(mode="json") for c in evaluation.criteria]},
        "metrics": evaluation.metrics.model_dump(mode="json"),
        "evaluator_name": evaluation.evaluator.name,
        "evaluator_version": evaluation.evaluator.version,
        "fallback": evaluation.evaluator.fallback,
        "fallback_reason": evaluation.evaluator.reason,
        "scenario_id": evaluation.scenario.id,
        "scenario_version": evaluation.scenario.version,
        "created_at": evaluation.created_at,
        "red_flags": {"items": [f.model_dump(mode="json") for f in evaluation.red_flags]},
        "needs_review": evaluation.needs_review,
        "review_reasons": {"items": list(evaluation.review_reasons)},
        "review": evaluation.review.model_dump(mode="json") if evaluation.review else None,
    }


def row_to_evaluation(row: EvaluationRow) -> Evaluation:
    return Evaluation(
        session_id=row.session_id,
        overall_score=row.overall_score,
        passed=row.passed,
        pass_mark=row.pass_mark,
        criteria=[CriterionResult.model_validate(c) for c in row.criteria["items"]],
        red_flags=[RedFlag.model_validate(f) for f in (row.red_flags or {}).get("items", [])],
        needs_review=bool(row.needs_review),
        review_reasons=list((row.review_reasons or {}).get("items", [])),
        metrics=SkillMetrics.model_validate(row.metrics),
        evaluator=EvaluatorInfo(
            name=row.evaluator_name,
            version=row.evaluator_version,
            fallback=row.fallback,
            reason=row.fallback_reason,
        ),
        scenario=ScenarioRef(id=row.scenario_id, version=row.scenario_version),
        created_at=row.created_at,
        review=ReviewInfo.model_validate(row.review) if row.review else None,
    )


def row_to_turn(row: TranscriptTurn) -> Turn:
    return Turn.model_validate(
        {
            "seq": row.seq,
            "speaker": row.speaker,
            "text": row.text,
            "started_at": row.started_at,
            "ended_at": row.ended_at,
        }
    )


def scenario_summary(scenario: Scenario) -> ScenarioSummary:
    return ScenarioSummary(
        id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
    )
