"""The required steps of a suicide-risk conversation, checked on what the trainee said and in
what order (988 Lifeline Suicide Risk Assessment Standards; CALM; safety planning with
follow-up): ask directly once warning signs appear, then capability (means), intent and plan,
buffers and connectedness, and a safety plan or referral and a follow-up before the end."""

from __future__ import annotations

from collections.abc import Callable

from core.contracts.evaluation import CrisisAssessment, CrisisStep
from core.scenarios.schema import CRISIS_STEP_IDS, CrisisStepId
from evaluation.crisis.acts import (
    arranges_follow_up,
    asks_about_means,
    asks_directly,
    asks_intent,
    counsels_means,
    explores_buffers,
    plans_safety,
)
from evaluation.crisis.reading import CrisisReading, Said

STEPS: tuple[tuple[CrisisStepId, str], ...] = (
    ("asked_directly", "Asked directly about suicidal thoughts after the warning signs"),
    ("means_capability", "Asked about means and capability after the risk disclosure"),
    ("intent_plan_timing", "Asked about intent, plan and timing"),
    ("buffers_connectedness", "Explored buffers and connectedness (reasons for living, people)"),
    ("safety_plan_or_referral", "Made a safety plan or a referral before the end"),
    ("follow_up", "Arranged a follow-up contact"),
)
assert tuple(i for i, _ in STEPS) == CRISIS_STEP_IDS  # the scenario format names the same steps


def _first(said: list[Said], test: Callable[[Said], bool], after: int) -> Said | None:
    return next((s for s in said if s.seq > after and test(s)), None)


def check_steps(reading: CrisisReading) -> CrisisAssessment:
    warning = reading.first_warning
    trainee = reading.trainee()
    start = warning.seq if warning else -1
    found: dict[str, Said | None] = {
        "asked_directly": _first(trainee, asks_directly, start),
        "means_capability": _first(
            trainee, lambda s: asks_about_means(s, reading) or counsels_means(s, reading), start
        ),
        "intent_plan_timing": _first(trainee, asks_intent, start),
        "buffers_connectedness": _first(trainee, explores_buffers, start),
        "safety_plan_or_referral": _first(trainee, plans_safety, start),
        "follow_up": _first(trainee, arranges_follow_up, start),
    }
    # a direct question asked before the warning sign, which the client's disclosure answers
    if found["asked_directly"] is None and warning is not None:
        answered = reading.client_before(warning.seq + 1)
        found["asked_directly"] = next(
            (s for s in trainee if s.seq < warning.seq and asks_directly(s)
             and answered is not None and reading.client_before(s.seq + 1) is not answered),
            None,
        )  # fmt: skip
    asked = found["asked_directly"]
    steps = []
    for step_id, title in STEPS:
        said = found[step_id]
        in_order = said is not None and (
            step_id == "asked_directly" or asked is None or said.seq >= asked.seq
        )
        steps.append(
            CrisisStep(
                id=step_id,
                title=title,
                done=said is not None,
                seq=said.seq if said else None,
                quote=said.text if said else None,
                in_order=in_order,
            )
        )
    return CrisisAssessment(
        risk_profile=reading.profile.risk_profile,
        warning_sign_seq=warning.seq if warning else None,
        warning_sign_quote=warning.text if warning else None,
        steps=steps,
        missing=[s.id for s in steps if not s.done],
    )
