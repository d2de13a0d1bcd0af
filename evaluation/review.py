"""A supervisor's review applied to the AI's evaluation: pure and deterministic. The result is
the AI's evaluation with the overridden criterion ratings (and their scores), the dismissed red
flags taken out of the score, the overall score recomputed the AI's way, the supervisor's final
pass/fail, and `review` saying what changed and who changed it."""

from __future__ import annotations

from datetime import datetime

from core.contracts.evaluation import Evaluation
from core.contracts.review import CriterionOverrideView, Review, ReviewInfo
from evaluation.criteria import RATING_SCORE
from evaluation.scoring import overall_score


def apply_review(ai: Evaluation, review: Review, at: datetime) -> Evaluation:
    overrides = {o.id: o for o in review.criteria}
    dismissed = {d.id for d in review.red_flags if d.decision == "dismissed"}
    criteria = []
    changed: list[CriterionOverrideView] = []
    for criterion in ai.criteria:
        override = overrides.get(criterion.id)
        if override is None:
            criteria.append(criterion)
            continue
        changed.append(
            CriterionOverrideView(
                id=criterion.id, ai_rating=criterion.rating, rating=override.rating,
                comment=override.comment,
            )
        )  # fmt: skip
        criteria.append(
            criterion.model_copy(
                update={"rating": override.rating, "score": RATING_SCORE[override.rating]}
            )
        )
    kept_flags = [f for f in ai.red_flags if f.id not in dismissed]
    score = (
        overall_score(criteria, kept_flags, ai.metrics.client_engagement, ai.pass_mark)
        if any(o.rating != o.ai_rating for o in changed) or len(kept_flags) < len(ai.red_flags)
        else ai.overall_score  # confirmations alone change no score
    )
    return ai.model_copy(
        update={
            "criteria": criteria,
            "overall_score": score,
            "passed": review.passed,
            "review": ReviewInfo(
                review_id=review.review_id,
                reviewer=review.reviewer,
                at=at,
                comment=review.comment,
                passed=review.passed,
                ai_passed=ai.passed,
                ai_overall_score=ai.overall_score,
                overrides=changed,
                red_flags=list(review.red_flags),
            ),
        }
    )
