"""The crisis layer's steps are read for what a question does, not for its words, and the rubric's
aspects that name a step are shown where the layer finds it (one reading of "did the trainee ask
about suicide / the means / intent / buffers", used by the crisis checks and the criteria alike)."""

from __future__ import annotations

import pytest

from core.scenarios.schema import Aspect
from evaluation.crisis import CrisisProfile, assess_crisis
from evaluation.text import read_in_context
from tests.evaluation_helpers import C, T, score, turns

RISK = CrisisProfile("suicide", means=("sleeping", "pills"))
SIGN = [
    (C, "Work's gone, the flat's gone. I keep thinking they'd all manage fine without me."),
]


def _steps(pairs: list[tuple[str, str]]) -> dict[str, str | None]:
    assessment = assess_crisis(turns(*pairs), RISK).assessment
    assert assessment is not None
    return {s.id: s.quote for s in assessment.steps}


def _rating(slug: str, pairs: list[tuple[str, str]], criterion: str) -> str:
    return next(c.rating for c in score(slug, turns(*pairs)).criteria if c.id == criterion)


def test_a_short_question_pointing_back_is_asked_about_the_sentence_before() -> None:
    line = "A lot of people carrying that much wonder about ending it. Has it come to that for you?"
    spans = [s.text for s in read_in_context(line)]
    joined = (
        "A lot of people carrying that much wonder about ending it. Has it come to that for you?"
    )
    assert joined in spans
    assert "Has it come to that for you?" in spans
    assert all(span in line for span in spans)  # verbatim spans, so quotes stay verbatim
    steps = _steps([*SIGN, (T, line), (C, "Yeah. Most nights.")])
    assert steps["asked_directly"] == joined


def test_the_yes_to_a_question_pointing_back_is_the_disclosure() -> None:
    conversation = [
        (C, "I don't know. Things have just been grim since the divorce."),
        (T, "Sometimes when it's that grim people think of killing themselves. Is that you?"),
        (C, "Yeah. It is."),
        (T, "Okay. Let's talk about something else."),
    ]
    assessment = assess_crisis(turns(*conversation), RISK).assessment
    assert assessment is not None
    assert assessment.warning_sign_quote == "Yeah."
    flags = {h.flag.id for h in assess_crisis(turns(*conversation), RISK).hits}
    assert "suicide_question_declined" in flags


@pytest.mark.parametrize(
    ("line", "step"),
    [
        ("Suicidal thoughts, plan, means, timeline, history, supports?", "asked_directly"),
        ("You're not thinking about suicide or anything, are you?", "asked_directly"),
        ("Do you have access to a laptop for the applications?", "means_capability"),
        ("Have you ever tried a temping agency?", "intent_plan_timing"),
        ("What's your plan for the move next month?", "intent_plan_timing"),
        (
            "Let's make a plan for your budget: list the bills tonight and ring the bank tomorrow.",
            "safety_plan_or_referral",
        ),
        ("Good call.", "safety_plan_or_referral"),
    ],
)
def test_a_step_word_about_something_else_is_not_the_step(line: str, step: str) -> None:
    assert _steps([*SIGN, (T, line)])[step] is None


@pytest.mark.parametrize(
    ("line", "step"),
    [
        ("Is there anything around the place you've thought of using?", "means_capability"),
        ("Where are they now?", "means_capability"),
        ("Ever tried before?", "intent_plan_timing"),
        ("Have you got a plan for how?", "intent_plan_timing"),
    ],
)
def test_the_step_asked_plainly_is_the_step(line: str, step: str) -> None:
    pairs = [
        *SIGN,
        (T, "Are you thinking of taking your own life?"),
        (C, "Yes. There's a box of sleeping pills upstairs."),
        (T, line),
    ]
    assert _steps(pairs)[step] == line


def test_an_aspect_that_names_a_step_is_shown_where_the_layer_finds_it() -> None:
    # the direct question in words far from every example of the criterion
    conversation = [
        (C, "Hey. I don't know why I'm calling. I'm just tired of all of it."),
        (
            T,
            "Tired of all of it. Plenty of folks that worn down think about ending it. Is that you?",
        ),
        (C, "Yeah. Lately, yeah."),
    ]
    assert _rating("suicide-risk-assessment", conversation, "direct_suicide_inquiry") == "met"
    leading = [conversation[0], (T, "You're not thinking of ending it, are you?"), conversation[2]]
    assert _rating("suicide-risk-assessment", leading, "direct_suicide_inquiry") == "not_met"


def test_a_step_shows_its_aspect_only_in_a_sentence_no_other_aspect_has() -> None:
    # "Do you have friends?" is the buffers step and the criterion's "people" aspect: once, not
    # twice (reasons for living were never explored)
    conversation = [
        (C, "Divorce, job. Some days everyone would be better off without me."),
        (T, "Do you have friends?"),
        (C, "Some."),
    ]
    assert _rating("suicide-risk-assessment", conversation, "protective_factors") != "met"


def test_a_step_id_outside_the_crisis_layer_is_refused() -> None:
    with pytest.raises(ValueError, match="step"):
        Aspect.model_validate({"name": "asks", "step": "asked_politely"})


@pytest.mark.parametrize(
    "question",
    [
        "Have there been times lately you didn't want to go on?",
        "Some folks this low find themselves not wanting to live. Is that true for you?",
        "Do you ever wish you weren't around?",
    ],
)
def test_asking_about_passive_ideation_in_the_screening_words_is_asking(question: str) -> None:
    # asked before the disclosure it draws out, outside a declared risk scenario: not "never asked"
    conversation = [
        (C, "Since the funeral I barely sleep. Nothing feels like anything."),
        (T, question),
        (C, "Sometimes I'd rather just not wake up. I wouldn't do anything though."),
        (T, "Thank you for telling me. Who's around you at the moment?"),
    ]
    result = assess_crisis(turns(*conversation), CrisisProfile())
    assert result.assessment is not None
    assert "never_asked_after_warning_signs" not in {h.flag.id for h in result.hits}
    assert next(s for s in result.assessment.steps if s.id == "asked_directly").done


def test_a_calibre_is_a_firearm_and_its_period_ends_no_sentence() -> None:
    from evaluation.crisis import vocabulary as v
    from evaluation.text import sentences

    lethal = v.means_pattern(v.MEANS_WORDS)
    assert [bool(lethal.search(t)) for t in ("my .45", "a 9mm", "at 3.45 today")] == [
        True,
        True,
        False,
    ]
    said = "Plan for tonight: your brother takes the .38, no more beer. Okay?"
    assert [s.text for s in sentences(said)] == [
        "Plan for tonight: your brother takes the .38, no more beer.",
        "Okay?",
    ]


def test_what_waits_for_the_disclosure_counts_once_it_is_told_in_the_clients_own_words() -> None:
    # the veteran names neither his persona's words nor "Glock": "my .38"; the yes to the
    # direct question is the risk disclosure. The questions that wait for them now count.
    conversation = [
        (C, "Can't sleep. Nothing left since I got out."),
        (T, "Nothing left. Are you thinking about killing yourself tonight?"),
        (C, "Yeah. I've got my .38 on the counter."),
        (T, "Have you made up your mind to use it tonight?"),
        (C, "Not decided. Part of me doesn't want to."),
        (T, "Could a buddy take the .38 and the rounds for a few weeks, just while things settle?"),
        (C, "Maybe my brother."),
    ]
    evaluation = score("veteran-firearm-crisis", turns(*conversation))
    ratings = {c.id: c.rating for c in evaluation.criteria}
    assert ratings["lethal_means"] != "not_met"
    assert ratings["risk_assessment"] != "not_met"


def test_asking_about_the_thoughts_tonight_is_not_asking_about_intent_or_timing() -> None:
    """988's risk assessment keeps desire (the thoughts) apart from intent, plan and timing: a
    direct question that mentions tonight has asked about the thoughts, and the intent step is
    still to do."""
    asked = "Straight question: are you having thoughts of taking your life tonight?"
    sign = (C, "Some nights I think everyone would be better off without me.")
    pairs = [sign, (T, asked), (C, "Yeah. More than thinking.")]
    steps = _steps(pairs)
    assert steps["asked_directly"] == asked
    assert steps["intent_plan_timing"] is None
    decided = "Have you decided to do it, or is part of you not sure?"
    assert _steps([*pairs, (T, decided)])["intent_plan_timing"] == decided
