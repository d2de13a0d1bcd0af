"""The one scoring pipeline: the rubric, the red flags (the rubric's and the crisis layer's) and
the optional LLM judge merged into one Evaluation. Every caller (the evaluate_session activity,
`voicetrain evaluate`, `calibrate`, `rescore`) goes through `combine`.

The policy, declared once (docs/evaluation.md, "Overall score, pass, review"):
1. The crisis layer and the rubric always run; the crisis flags taint the rubric's criteria.
2. Red flags are the rubric's plus the crisis layer's, one per flag and turn.
3. Score and pass come from scoring.py: a critical flag caps the score below the pass mark and
   fails the session, and any critical flag sends it to review.
4. With a valid judgment, the judge's criteria and flags are the result and the rubric's is kept
   as `metrics.cross_check`; the crisis flags stay (a judge cannot clear a crisis act, a human
   reviewer can), and a disagreement between the judge's own verdict (its criteria and flags,
   before the crisis flags) and the rubric's sends it to review.
5. When the judge failed, the rubric's result stands, marked `fallback` with the reason.
6. A risk conversation with no safety plan or referral is sent to review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from core.contracts.conversation import Turn
from core.contracts.evaluation import CrossCheck, Evaluation, EvaluatorInfo, RedFlag, ScenarioRef
from core.scenarios.schema import PersonaFact, RubricDef
from evaluation.crisis import CrisisProfile, assess_crisis
from evaluation.judge import Judgment
from evaluation.rubric import EVALUATOR_NAME, EVALUATOR_VERSION, RubricResult, evaluate
from evaluation.scoring import judge_disagreement, overall_score, passes, review_reasons


def _merged(*groups: Sequence[RedFlag]) -> list[RedFlag]:
    unique: dict[tuple[str, int], RedFlag] = {}
    for group in groups:
        for flag in group:
            unique.setdefault((flag.id, flag.seq), flag)
    return sorted(unique.values(), key=lambda f: (f.seq, f.id))


def _critical_reason(flags: Sequence[RedFlag]) -> list[str]:
    critical = sorted({f.id for f in flags if f.critical})
    return [f"critical red flag: {', '.join(critical)}"] if critical else []


def combine(
    *,
    session_id: UUID,
    turns: Sequence[Turn],
    rubric: RubricDef,
    scenario_id: UUID,
    scenario_version: int,
    created_at: datetime,
    client_name: str = "the client",
    crisis_profile: CrisisProfile | None = None,
    judgment: Judgment | None = None,
    judge_failure: str | None = None,
    facts: Sequence[PersonaFact] = (),
) -> Evaluation:
    crisis = assess_crisis(turns, crisis_profile or CrisisProfile())
    crisis_flags = crisis.red_flags()
    result: RubricResult = evaluate(
        turns=turns,
        rubric=rubric,
        client_name=client_name,
        facts=facts,
        outside_flags=crisis_flags,
        risk_taken_up=crisis.took_up,
        crisis_steps=crisis.steps_done(),
        risk_said=crisis.warning_signs,
    )
    flags = _merged(crisis_flags, result.red_flags)
    score = overall_score(result.criteria, flags, result.engagement, rubric.pass_mark)
    passed = passes(score, flags, rubric.pass_mark)
    reasons = review_reasons(score, result.criteria, flags, rubric.pass_mark, result.engagement)
    criteria = result.criteria
    metrics = result.metrics.model_copy(update={"crisis": crisis.assessment})
    evaluator = EvaluatorInfo(
        name=EVALUATOR_NAME,
        version=EVALUATOR_VERSION,
        fallback=judge_failure is not None,
        reason=judge_failure,
    )
    if judgment is not None:
        cross = CrossCheck(
            evaluator=f"{EVALUATOR_NAME} {EVALUATOR_VERSION}",
            overall_score=score,
            passed=passed,
            ratings={c.id: c.rating for c in criteria},
            red_flags=sorted({f.id for f in flags}),
        )
        judged_flags = _merged(crisis_flags, judgment.red_flags)
        # a judge grades partial skill itself: its mean is not lifted by the rubric's floor
        judged_score = overall_score(
            judgment.criteria, judged_flags, None, rubric.pass_mark, floor=0.0
        )
        judged_passed = passes(judged_score, judged_flags, rubric.pass_mark)
        reasons = review_reasons(
            judged_score, judgment.criteria, judged_flags, rubric.pass_mark, None
        )
        # the judge's own verdict, before the crisis flags it cannot clear, is what may disagree
        own_score = overall_score(
            judgment.criteria, judgment.red_flags, None, rubric.pass_mark, floor=0.0
        )
        own_passed = passes(own_score, judgment.red_flags, rubric.pass_mark)
        disagreement = judge_disagreement(own_score, own_passed, score, passed)
        if disagreement:
            reasons.append(disagreement)
        criteria, flags, score, passed = (
            judgment.criteria,
            judged_flags,
            judged_score,
            judged_passed,
        )
        metrics = metrics.model_copy(update={"cross_check": cross})
        evaluator = judgment.evaluator
    reasons = [*_critical_reason(flags), *reasons]
    if crisis.assessment is not None and crisis.assessment.warning_sign_seq is not None:
        if "safety_plan_or_referral" in crisis.assessment.missing:
            reasons.append("the client gave warning signs and no safety plan or referral was made")
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
