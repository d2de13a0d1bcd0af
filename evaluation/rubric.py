"""The deterministic evaluator: transcript + rubric -> Evaluation. Pure, offline, versioned.

It reads the conversation rather than isolated phrases: see conversation.py (turn context,
disclosures, engagement), responsiveness.py (reflections, parroting, formulas, stacked
questions), negation.py, redflags.py, criteria.py and scoring.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from core.contracts.conversation import Turn
from core.contracts.evaluation import (
    CriterionResult,
    CrossCheck,
    Evaluation,
    EvaluatorInfo,
    RedFlag,
    ScenarioRef,
)
from core.scenarios.schema import PersonaFact, RubricDef
from evaluation.conversation import read_conversation
from evaluation.criteria import RATING_SCORE, read_criterion, score_criterion
from evaluation.metrics import compute_metrics
from evaluation.redflags import detect_red_flags, to_contract
from evaluation.responsiveness import read_responsiveness
from evaluation.scoring import (
    judge_disagreement,
    overall_score,
    passes,
    review_reasons,
)

EVALUATOR_NAME = "voicetrain-conversation"
EVALUATOR_VERSION = "5"
__all__ = ["EVALUATOR_NAME", "EVALUATOR_VERSION", "RATING_SCORE", "Judgment", "evaluate"]


class Judgment:
    """An LLM judge's criteria and red flags, to be stored with the rubric's cross-check."""

    def __init__(
        self, criteria: list[CriterionResult], red_flags: list[RedFlag], evaluator: EvaluatorInfo
    ) -> None:
        self.criteria = criteria
        self.red_flags = red_flags
        self.evaluator = evaluator


def evaluate(
    *,
    session_id: UUID,
    turns: Sequence[Turn],
    rubric: RubricDef,
    scenario_id: UUID,
    scenario_version: int,
    created_at: datetime,
    client_name: str = "the client",
    judgment: Judgment | None = None,
    fallback_reason: str | None = None,
    facts: Sequence[PersonaFact] = (),
) -> Evaluation:
    """Score a transcript with the rubric; with a `judgment`, the judge's criteria and flags are
    the result and the rubric's is kept as `metrics.cross_check`. `facts` are the persona's:
    what the client disclosed, and when, is read from them."""
    conv = read_conversation(turns, facts, client_name)
    resp = read_responsiveness(conv)
    aspects = [a for c in rubric.criteria for a in c.aspects]
    readings = {c.id: read_criterion(c, conv, resp, aspects) for c in rubric.criteria}
    negated = [n for r in readings.values() for n in r.negated]
    hits = detect_red_flags(rubric, conv, resp, negated)
    flags = to_contract(hits, resp, len(conv.exchanges))
    present = {f.id for f in flags}
    # harm taints the whole turn; a slip of technique taints the sentence that shows it
    tainted = {(f.seq, None if f.critical else f.quote) for f in flags}
    criteria = [
        score_criterion(c, readings[c.id], conv, present, client_name, tainted)
        for c in rubric.criteria
    ]
    engagement = conv.engagement.score if conv.engagement.replies else None
    score = overall_score(criteria, flags, engagement, rubric.pass_mark)
    passed = passes(score, flags, rubric.pass_mark)
    metrics = compute_metrics(turns).model_copy(
        update={
            "responsive_reflections": len(resp.reflections),
            "parroted_turns": len({m.seq for m in resp.parrots}),
            "formulaic_turns": len(resp.formulaic_turns),
            "stacked_question_turns": len(resp.stacked_turns),
            "client_engagement": engagement,
            "client_engagement_trend": conv.engagement.trend if engagement is not None else None,
        }
    )
    reasons = review_reasons(score, criteria, flags, rubric.pass_mark, engagement)
    evaluator = EvaluatorInfo(
        name=EVALUATOR_NAME,
        version=EVALUATOR_VERSION,
        fallback=fallback_reason is not None,
        reason=fallback_reason,
    )
    if judgment is not None:
        cross = CrossCheck(
            evaluator=f"{EVALUATOR_NAME} {EVALUATOR_VERSION}",
            overall_score=score,
            passed=passed,
            ratings={c.id: c.rating for c in criteria},
            red_flags=sorted(present),
        )
        # a judge grades partial skill itself: its mean is not lifted by the rubric's floor
        judged_score = overall_score(
            judgment.criteria, judgment.red_flags, None, rubric.pass_mark, floor=0.0
        )
        judged_passed = passes(judged_score, judgment.red_flags, rubric.pass_mark)
        reasons = review_reasons(
            judged_score, judgment.criteria, judgment.red_flags, rubric.pass_mark, None
        )
        disagreement = judge_disagreement(judged_score, judged_passed, score, passed)
        if disagreement:
            reasons.append(disagreement)
        criteria, flags, score, passed = (
            judgment.criteria, judgment.red_flags, judged_score, judged_passed
        )  # fmt: skip
        metrics = metrics.model_copy(update={"cross_check": cross})
        evaluator = judgment.evaluator
    return Evaluation(
        session_id=session_id,
        overall_score=score,
        passed=passed,
        pass_mark=rubric.pass_mark,
        criteria=criteria,
        red_flags=flags,
        needs_review=bool(reasons),
        review_reasons=reasons,
        metrics=metrics,
        evaluator=evaluator,
        scenario=ScenarioRef(id=scenario_id, version=scenario_version),
        created_at=created_at,
    )
