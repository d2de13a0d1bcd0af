"""The deterministic rubric: transcript + rubric -> criterion ratings with evidence, the
rubric's red flags and the skill metrics. Pure, offline, versioned. It does not decide the
overall score, pass or review: combine.py does, once, for every caller.

It reads the conversation rather than isolated phrases: see conversation.py (turn context,
disclosures, engagement), responsiveness.py (reflections, parroting, formulas, stacked
questions), negation.py, redflags.py and criteria.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.contracts.conversation import Turn
from core.contracts.evaluation import CriterionResult, RedFlag, SkillMetrics
from core.scenarios.schema import PersonaFact, RubricDef
from evaluation.conversation import read_conversation
from evaluation.crisis import CRISIS_FLAG_IDS
from evaluation.criteria import RATING_SCORE, read_criterion, score_criterion
from evaluation.metrics import compute_metrics
from evaluation.redflag_library import SESSION_FLAG_IDS
from evaluation.redflags import DISMISSER_IDS, detect_red_flags, to_contract
from evaluation.responsiveness import read_responsiveness

EVALUATOR_NAME = "voicetrain-conversation"
EVALUATOR_VERSION = "8.2"
__all__ = ["EVALUATOR_NAME", "EVALUATOR_VERSION", "RATING_SCORE", "RubricResult", "evaluate"]


@dataclass(frozen=True)
class RubricResult:
    criteria: list[CriterionResult]
    red_flags: list[RedFlag]  # the rubric's own (built-ins and the scenario's)
    metrics: SkillMetrics
    engagement: float | None  # 0..1, None when the client never replied
    pass_mark: float


def evaluate(
    *,
    turns: Sequence[Turn],
    rubric: RubricDef,
    client_name: str = "the client",
    outside_flags: Sequence[RedFlag] = (),
    risk_taken_up: frozenset[int] = frozenset(),
    crisis_steps: Mapping[str, tuple[int, str]] | None = None,
    risk_said: Sequence[tuple[int, str]] = (),
    facts: Sequence[PersonaFact] = (),
) -> RubricResult:
    """Rate the rubric's criteria. `outside_flags` (the crisis layer's) taint the criteria the
    way the rubric's own flags do; `risk_taken_up` are trainee turns the crisis layer read as
    assessing the risk, which therefore did not ignore a disclosure; `crisis_steps` the steps it
    found done, each its (turn, sentence), which show the aspects that name them; `risk_said` its
    warning signs (client turn, sentence): the client disclosing risk, in any words. `facts` are the persona's:
    what the client disclosed, and when, is read from them."""
    conv = read_conversation(turns, facts, client_name, risk_said)
    resp = read_responsiveness(conv)
    aspects = [a for c in rubric.criteria for a in c.aspects]
    readings = {c.id: read_criterion(c, conv, resp, aspects, crisis_steps) for c in rubric.criteria}
    negated = [n for r in readings.values() for n in r.negated]
    # a reply that stays with the disclosure ("I'm here, and I'm listening.") followed at once
    # by the assessment ("Are you thinking about killing yourself?") takes it up in two turns
    trainee_seqs = [e.turn.seq for e in conv.exchanges]
    then_assessed = {
        seq
        for seq, nxt in zip(trainee_seqs, trainee_seqs[1:], strict=False)
        if nxt in risk_taken_up
    }
    found = detect_red_flags(rubric, conv, resp, negated)
    # ...unless the reply itself waves the disclosure away ("things will turn around")
    waved = {h.seq for h in found if h.flag.id in DISMISSER_IDS}
    hits = [
        h
        for h in found
        # the crisis layer owns its ids; an assessing question is a take-up, not a dismissal
        if h.flag.id not in CRISIS_FLAG_IDS
        and not (
            h.flag.kind == "ignored_disclosure"
            and (h.seq in risk_taken_up or (h.seq in then_assessed and h.seq not in waved))
        )
    ]
    flags = to_contract(hits, resp, len(conv.exchanges))
    present = {f.id for f in [*flags, *outside_flags]}
    # harm taints the whole turn; a slip of technique taints the sentence that shows it
    tainted = {
        (f.seq, None if f.critical else f.quote)
        for f in [*flags, *outside_flags]
        if f.id not in SESSION_FLAG_IDS
    }
    criteria = [
        score_criterion(c, readings[c.id], conv, present, client_name, tainted)
        for c in rubric.criteria
    ]
    engagement = conv.engagement.score if conv.engagement.replies else None
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
    return RubricResult(criteria, flags, metrics, engagement, rubric.pass_mark)
