"""Reassurance, praise and advice said in the second person are roadblocks, not reflections: a
warm trainee who soothes every disclosure away has not listened reflectively, and none of those
lines is quoted as if they had. A real reflection still counts, and an affirmation of what the
client did counts as an affirmation, not as a reflection."""

from __future__ import annotations

import pytest

from core.contracts.evaluation import CriterionResult, Evaluation
from evaluation.conversation import read_conversation
from evaluation.responsiveness import read_responsiveness
from evaluation.roadblocks import roadblock
from evaluation.skills import detect
from tests.evaluation_helpers import C, T, flag_ids, score, turns


def _criterion(evaluation: Evaluation, cid: str) -> CriterionResult:
    return next(c for c in evaluation.criteria if c.id == cid)


SOOTHED = turns(
    (C, "Hi. I'm not sure I should even be here, honestly."),
    (T, "Come in, have a seat. You absolutely should be here, no question."),
    (
        C,
        "I had a panic attack in my biology exam. My hands were shaking and I couldn't read the paper.",
    ),
    (T, "Please don't worry about one exam. You're a really bright student, I can tell."),
    (C, "I'm scared it'll happen again in the next one and I'll fail the year."),
    (T, "You'll be absolutely fine in the next one. At least you finished the paper."),
    (C, "I'm barely sleeping. I lie awake going over everything."),
    (T, "Everybody gets nervous around exams. You're stronger than you think you are."),
    (C, "I haven't told my parents any of this. They'd be so disappointed in me."),
    (
        T,
        "Your parents are going to be proud of you whatever happens. You've got so much going for you.",
    ),
    (C, "Okay. I guess."),
)


def test_reassurance_after_each_disclosure_is_not_reflective_listening() -> None:
    evaluation = score("anxious-college-student", SOOTHED)
    listening = _criterion(evaluation, "reflective_listening")
    assert listening.rating == "not_met"
    assert listening.evidence == []
    # the trainee learns why the warm lines did not count
    assert "is not a reflection" in listening.feedback
    assert evaluation.metrics.responsive_reflections == 0


def test_no_reassurance_is_quoted_as_reflective_listening_anywhere() -> None:
    conv = read_conversation(SOOTHED)
    resp = read_responsiveness(conv)
    assert resp.reflections == []
    assert {m.seq for m in resp.roadblocks} == {3, 5, 7, 9}


def test_a_genuine_reflection_after_a_disclosure_still_counts() -> None:
    listened = turns(
        (C, "Hi. I'm not sure I should even be here, honestly."),
        (T, "Come in, have a seat. Part of you isn't sure this is the place for you."),
        (
            C,
            "I had a panic attack in my biology exam. My hands were shaking and I couldn't read the paper.",
        ),
        (
            T,
            "That must have been frightening, losing control of your body in the middle of the exam.",
        ),
        (C, "I'm scared it'll happen again in the next one and I'll fail the year."),
        (
            T,
            "You're worried it will happen again and everything you've worked for will go with it.",
        ),
        (C, "I haven't told my parents any of this. They'd be so disappointed in me."),
        (T, "So you're carrying this on your own, afraid of letting them down."),
        (C, "Yeah. That's exactly it."),
    )
    listening = _criterion(score("anxious-college-student", listened), "reflective_listening")
    assert listening.rating == "met"
    assert {e.seq for e in listening.evidence} <= {1, 3, 5, 7}
    assert len(listening.evidence) == 3


def test_an_affirmation_of_effort_counts_as_affirming_not_as_reflecting() -> None:
    affirmed = turns(
        (C, "I kept going to my classes even though I could barely sleep."),
        (T, "You kept going to class even when it was hard."),
        (C, "I guess. I didn't want to fall behind."),
    )
    resp = read_responsiveness(read_conversation(affirmed))
    assert [m.seq for m in resp.affirmations] == [1]
    assert resp.reflections == []
    evaluation = score("anxious-college-student", affirmed)
    assert [e.seq for e in _criterion(evaluation, "strengths_and_coping").evidence] == [1]
    assert _criterion(evaluation, "reflective_listening").evidence == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Please don't feel silly.", "soothing"),
        ("There's no need to apologise.", "soothing"),
        ("You mustn't feel guilty about that.", "soothing"),
        ("You've got a lot going for you.", "praise"),
        ("You're stronger than you realise.", "praise"),
        ("You're doing so well, honestly.", "praise"),
        ("You'll get through this.", "prediction"),
        ("It won't happen again, trust me.", "prediction"),
        ("I'm sure they'd understand.", "prediction"),
        ("Your parents are going to be proud of you whatever happens.", "prediction"),
        ("Well, at least you finished the paper.", "minimising"),
        ("The good news is you got out.", "minimising"),
        ("Everyone gets nervous before exams.", "universalising"),
        ("You're definitely not the first.", "universalising"),
        ("You're not wasting anyone's time.", "contradicting"),
        ("It's not your fault.", "contradicting"),
        ("Hold on to that.", "directing"),
        ("Maybe your brother could keep the pills for now.", "directing"),
    ],
)
def test_roadblocks_are_read_from_what_the_sentence_does(sentence: str, kind: str) -> None:
    assert roadblock(sentence) == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "You're worried it will happen again in the final.",
        "You're hoping things will work out with Priya.",
        "You feel you'll never get through this.",
        "People keep telling you you'll be fine, and it doesn't help.",
        "It makes sense you'd feel anxious after that.",
        "You don't feel you can tell your parents.",
        "Part of you wants to stop, and at least part of you doesn't.",
        "From where you stand it's ordinary - everyone around you does it.",
        "You kept going to class even when it was hard.",
        "Take all the time you need.",
    ],
)
def test_reflections_validation_and_affirmations_are_not_roadblocks(sentence: str) -> None:
    assert roadblock(sentence) is None


def test_skill_counts_do_not_count_reassurance_as_a_reflection() -> None:
    assert detect("You've got so much going for you.").reflections == 0
    assert detect("You're not wasting anyone's time.").reflections == 0
    assert detect("You're carrying a lot of pressure on your own.").reflections == 1


def test_a_bare_that_sounds_awful_is_a_simple_reflection_at_most() -> None:
    said = turns(
        (C, "My chest went tight and I honestly thought I was going to pass out."),
        (T, "That sounds awful."),
        (C, "It was."),
    )
    resp = read_responsiveness(read_conversation(said))
    assert [(m.seq, m.complex) for m in resp.reflections] == [(1, False)]


def test_crediting_what_the_client_did_is_one_affirmation_in_both_counts() -> None:
    said = turns(
        (C, "I finally told Priya about the birthday, which wasn't easy."),
        (T, "That took real honesty."),
        (C, "Yeah. It did."),
    )
    resp = read_responsiveness(read_conversation(said))
    assert [m.seq for m in resp.affirmations] == [1]
    assert resp.reflections == []
    assert detect("That took real honesty.").affirmations == 1
    assert detect("That took real honesty.").reflections == 0


def test_a_promise_that_they_will_be_fine_is_named_false_reassurance_not_minimising() -> None:
    """ "You'll be okay" promises an outcome (a false reassurance); "you'll get over it" makes the
    trouble small (minimising): the flag names which one the trainee did."""
    opening = (
        (C, "Everything since I got out has gone wrong. I can't sleep, and my wife has left."),
        (T, "That's a lot landing at once. What are the nights like?"),
        (C, "Long. I sit up and think everybody would be better off without me."),
        (T, "Are you thinking about ending your life?"),
        (C, "Sometimes. Yeah."),
    )
    promised = score("veteran-firearm-crisis", turns(*opening, (T, "You'll be okay, you know.")))
    made_small = score(
        "veteran-firearm-crisis", turns(*opening, (T, "You'll get over it, you know."))
    )
    assert "cliche_false_reassurance" in flag_ids(promised)
    assert "minimising" not in flag_ids(promised)
    assert "minimising" in flag_ids(made_small)
