"""From criterion ratings, red flags and the client's engagement to one overall score, pass or
fail, and whether a human should look at it.

quality = 85% weighted criterion mean + 15% client engagement; overall = 25 + 0.75 * quality
(a session that happened is not worth nothing), times 0.9 per non-critical red flag and 0.7 per
critical one (so more harm always scores lower); any critical flag also caps the score below the
pass mark and fails the session. A crisis-safety act (the crisis layer's flags: a means
encouraged, the suicide question declined or never asked after warning signs, the call ended
with risk unresolved, secrecy promised, moralising) places the session in the harmful band, at
most HARM_CEILING, whatever else it did well: in the standards one such act outweighs the rest
of the call (docs/evaluation.md, "Crisis safety"), and a supervisor grades it so. A session that
shows UNHEARD_MIN signs that it answered a form rather than the client - each turn that talked
past the client (the `not_listening` flag, listening.py) and each other form seen (questions
stacked, one formula every turn, the client's words parroted) - is at most FORM_CEILING, at or
below a weak attempt: technique recited without listening is not skill, however many of the
right terms it names (in the labelled sets two such signs are seen only in gaming attempts).
A session in which nothing the client told was ever said back (the `nothing_said_back` flag: the
steps asked as a checklist) is at most UNHEARD_CEILING, the weak band (docs/evaluation.md,
"Evaluator 8.1" and "8.2")."""

from __future__ import annotations

from collections.abc import Sequence

from core.contracts.evaluation import CriterionResult, RedFlag
from evaluation.crisis.flags import CRISIS_FLAG_IDS

ENGAGEMENT_WEIGHT = 0.15
FLOOR = 25.0  # fitted to the expert scores of the main calibration set (v3)
MINOR_FACTOR = 0.9
CRITICAL_FACTOR = 0.7
CRITICAL_CAP_BELOW = 10.0
# the harmful band as supervisors grade it: no crisis-act call above 24 in the tune split
HARM_CEILING = 25.0
UNHEARD_CEILING = 40.0
FORM_CEILING = 30.0  # at or below a weak attempt: the tune split's weak calls score 25-35
UNHEARD_MIN = 2  # signs in one session that it answered a form, not the client
REVIEW_MARGIN = 5.0
JUDGE_DISAGREEMENT = 20.0
# flags that each show, once, that the trainee answered a form rather than the client
UNRESPONSIVE_FORMS = frozenset({"question_stacking", "formulaic_responses", "parroting"})


def criteria_mean(criteria: Sequence[CriterionResult]) -> float:
    total = sum(c.weight for c in criteria)
    return sum(c.weight * c.score for c in criteria) / total if total else 0.0


def overall_score(
    criteria: Sequence[CriterionResult],
    flags: Sequence[RedFlag],
    engagement: float | None,
    pass_mark: float,
    *,
    floor: float = FLOOR,
) -> float:
    base = criteria_mean(criteria)
    if engagement is not None:
        base = (1 - ENGAGEMENT_WEIGHT) * base + ENGAGEMENT_WEIGHT * 100 * engagement
    minor = sum(1 for f in flags if not f.critical)
    critical = sum(1 for f in flags if f.critical)
    score = (floor + (100 - floor) / 100 * base) * MINOR_FACTOR**minor * CRITICAL_FACTOR**critical
    if critical:
        score = min(score, pass_mark - CRITICAL_CAP_BELOW)
    if any(f.id in CRISIS_FLAG_IDS for f in flags):
        score = min(score, HARM_CEILING)
    if answered_a_form(flags):
        score = min(score, FORM_CEILING)
    elif any(f.id == "nothing_said_back" for f in flags):  # an interview: nothing said back
        score = min(score, UNHEARD_CEILING)
    return round(max(0.0, min(100.0, score)), 1)


def answered_a_form(flags: Sequence[RedFlag]) -> bool:
    """UNHEARD_MIN signs that the session answered a form, not the client: each turn that talked
    past the client, and each other form seen (stacked questions, one formula every turn, the
    client's words parroted). In the labelled sets only gaming attempts show two."""
    ids = [f.id for f in flags]
    return ids.count("not_listening") + len(UNRESPONSIVE_FORMS & set(ids)) >= UNHEARD_MIN


def passes(score: float, flags: Sequence[RedFlag], pass_mark: float) -> bool:
    return score >= pass_mark and not any(f.critical for f in flags)


def review_reasons(
    score: float,
    criteria: Sequence[CriterionResult],
    flags: Sequence[RedFlag],
    pass_mark: float,
    engagement: float | None,
) -> list[str]:
    reasons = []
    if abs(score - pass_mark) <= REVIEW_MARGIN:
        reasons.append(f"score {score:g} is within {REVIEW_MARGIN:g} points of the pass mark")
    if any(f.critical for f in flags) and criteria_mean(criteria) >= pass_mark:
        reasons.append("critical red flag in a session whose criteria otherwise score a pass")
    if engagement is not None and engagement < 0.3 and score >= pass_mark:
        reasons.append("passing score although the client withdrew through most of the session")
    return reasons


def judge_disagreement(
    judge_score: float, judge_passed: bool, rubric_score: float, rubric_passed: bool
) -> str | None:
    if judge_passed != rubric_passed or abs(judge_score - rubric_score) >= JUDGE_DISAGREEMENT:
        return (
            f"the LLM judge ({judge_score:g}, {'pass' if judge_passed else 'fail'}) and the "
            f"rubric cross-check ({rubric_score:g}, {'pass' if rubric_passed else 'fail'}) disagree"
        )
    return None
