"""The ids of the built-in red flag library (evaluation/redflag_library.py defines them; a test
keeps the two in step). Here so a scenario can be validated without importing the evaluator."""

from __future__ import annotations

BUILTIN_RED_FLAG_IDS: tuple[str, ...] = (
    "cliche_false_reassurance",
    "moralising_labelling",
    "minimising",
    "arguing_confronting",
    "advice_without_permission",
    "disclosure_dismissed",
    "means_encouraged",
    "key_question_negated",
    "parroting",
    "formulaic_responses",
    "question_stacking",
    "not_listening",
    "nothing_said_back",
    # the crisis-safety layer's (evaluation/crisis): critical whenever they fire
    "suicide_question_declined",
    "never_asked_after_warning_signs",
    "ended_early",
    "secrecy_promised",
    "moralising",
)
