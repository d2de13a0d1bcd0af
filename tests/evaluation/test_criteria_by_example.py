"""Format 2 criteria: aspects found by meaning (examples and near misses), disclosures read from
the persona's facts, and what a draft still lacks before it can be published."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.contracts.evaluation import Evaluation
from core.scenarios.schema import ScenarioDoc
from core.scenarios.validate import publish_problems
from evaluation.conversation import read_conversation
from evaluation.meaning import example_set, find
from tests.evaluation_helpers import LIBRARY, C, T, score, turns

CRISIS = "suicide-risk-assessment"
OPENING = (C, "Hey. I don't really know why I'm calling. I just... I'm tired of all of it.")
DISCLOSED = (C, "Yeah. I've thought about killing myself. It would be easier not to wake up.")


def rating(evaluation: Evaluation, cid: str) -> str:
    return next(c.rating for c in evaluation.criteria if c.id == cid)


def test_an_aspect_is_found_in_words_that_are_not_its_examples() -> None:
    evaluation = score(CRISIS, turns(
        OPENING, (T, "When you say you're tired of all of it, are you thinking of taking your own life?"),
        DISCLOSED,
    ))  # fmt: skip
    assert rating(evaluation, "direct_suicide_inquiry") == "met"


def test_a_near_miss_is_not_the_aspect() -> None:
    # "plan" in the sense of the weekend, after the disclosure: not a question about a suicide plan
    evaluation = score(CRISIS, turns(
        OPENING, (T, "Are you thinking about suicide?"), DISCLOSED,
        (T, "What are your plans for the weekend with the kids?"),
        (C, "I have them Saturday."),
    ))  # fmt: skip
    assert rating(evaluation, "risk_assessment") == "not_met"


def test_a_recited_checklist_earns_little() -> None:
    checklist = (
        "Do you have a plan for how you would do it? Do you have access to pills or a gun? "
        "Have you decided to act on it? Have you ever tried before? How much are you drinking?"
    )
    evaluation = score(CRISIS, turns(
        OPENING, (T, "Are you thinking about suicide?"), DISCLOSED, (T, checklist),
        (C, "I don't know. No. I guess."),
    ))  # fmt: skip
    assert rating(evaluation, "risk_assessment") == "not_met"
    assert "question_stacking" in {f.id for f in evaluation.red_flags}


def test_the_means_left_unanswered_counts_against_the_assessment() -> None:
    evaluation = score(CRISIS, turns(
        OPENING, (T, "Are you thinking about suicide?"), DISCLOSED,
        (T, "Do you have a plan for how you would do it?"),
        (C, "No guns. There's an old bottle of sleeping pills in the bathroom cabinet."),
        (T, "How is work going for you?"), (C, "I lost my job."),
        (T, "What do you like to do at the weekend?"), (C, "Nothing much."),
    ))  # fmt: skip
    risk = next(c for c in evaluation.criteria if c.id == "risk_assessment")
    assert "it was not taken up" in risk.feedback, risk.feedback


def test_a_disclosure_is_the_persona_fact_it_is_close_to() -> None:
    facts = LIBRARY[CRISIS].persona.facts
    conv = read_conversation(turns(
        OPENING, (T, "Are there pills or a gun in the house?"),
        (C, "No gun. But there's a bottle of old sleeping pills in the cabinet. I've looked at them."),
    ), facts)  # fmt: skip
    assert [(d.fact, d.kind) for d in conv.disclosures] == [("sleeping_pills", "means")]
    assert conv.disclosed_before("means", 3)
    assert conv.disclosed_before("sleeping_pills", 3)
    assert not conv.disclosed_before("risk", 3)


def test_a_draft_names_what_it_lacks_before_publishing() -> None:
    draft = ScenarioDoc.model_validate({
        "slug": "draft-one", "title": "A draft",
        "rubric": {"red_flags": ["cliche_false_reassurance"], "criteria": [{
            "id": "asks", "title": "Asks", "description": "Asks about it.", "evidence": "A question.",
            "aspects": [{"name": "asks", "after": "nothing_like_it",
                         "examples": {"meets": ["Are you okay?"]}}],
            "feedback": {"met": "Good.", "partly": "Some.", "not_met": "None."},
        }]},
    })  # fmt: skip
    problems = {(p.path, p.message) for p in publish_problems(draft)}
    paths = {path for path, _ in problems}
    assert {"summary", "persona.name", "persona.opening_line", "persona.facts"} <= paths
    assert "rubric.criteria.0.aspects.0.examples.meets" in paths  # one example is not enough
    assert "rubric.criteria.0.aspects.0.after" in paths  # no such fact or kind
    assert all(publish_problems(doc) == [] for doc in LIBRARY.values())
    # an id the library does not have is not an unfinished draft: it does not parse at all
    with pytest.raises(ValidationError, match="rubric.red_flags"):
        ScenarioDoc.model_validate({"slug": "draft-two", "rubric": {"red_flags": ["no_such_flag"]}})


def test_an_example_said_in_other_words_is_found_where_embeddings_rate_it_low() -> None:
    """Static embeddings put "we have about fifty minutes" far from "The session is about fifty
    minutes."; sharing the example's own words, and nearer it than its near misses, it counts.
    Sharing words with a near miss does not."""
    framing = example_set(
        ("The session is about fifty minutes.", "Let me explain how this works."),
        ("How does the exam work?", "Your time is valuable, so let's be quick."),
    )
    assert find(framing, "I'm Priya, and we have about fifty minutes.") is not None
    assert find(framing, "How does the chemistry exam work for you?") is None
    assert find(framing, "Let's be quick, your time is valuable.") is None


def test_framing_said_plainly_counts_for_the_welcome_criterion() -> None:
    evaluation = score("anxious-college-student", turns(
        (C, "Hi. Um, sorry, I've never been to one of these."),
        (T, "No need to be sorry. I'm Priya, and we have about fifty minutes. It's private "
            "between the two of us, unless I believed you were in danger."),
        (C, "Okay. My parents don't know I came."),
    ))  # fmt: skip
    assert rating(evaluation, "welcome_and_frame") != "not_met"
