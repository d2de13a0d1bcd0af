"""Reading a trainee's turn (persona/reading.py): its acts from generic English forms, the
facts it reaches from the persona's own examples."""

from __future__ import annotations

import pytest

from core.scenarios.forms import forms_of
from persona.reading import read_turn
from tests.persona.personas import CRISIS, STUDENT

_DISCLOSED = (
    "The divorce went through two months ago. Then I lost my job. Some days I think everyone "
    "would be better off without me."
)


@pytest.mark.parametrize(
    ("turn", "act"),
    [
        ("What's been going on tonight?", "open_question"),
        ("Take your time - what happened?", "open_question"),
        ("Could you tell me more about that?", "open_question"),
        ("Do you have pills at home?", "closed_question"),
        ("When you say that, I have to ask: are you safe tonight?", "closed_question"),
        ("It sounds like losing your job on top of the divorce has worn you down.", "reflection"),
        ("That makes complete sense.", "validation"),
        ("You need to stop feeling sorry for yourself.", "lecture"),
        ("Just take one of your pills and get some sleep.", "advice"),
        ("Don't worry, everything will be fine.", "reassurance"),
        ("That's so selfish, how could you think that?", "judgement"),
        ("Shut up and listen.", "rudeness"),
        ("What's your job? How old are your kids?", "stacked_questions"),
        ("Could we make a plan together for tonight?", "proposal"),
        ("Okay, we have to stop here. Goodbye.", "closing"),
        ("What's the weather like where you are?", "off_topic"),
    ],
)
def test_a_turn_is_read_as_the_act_it_is(turn: str, act: str) -> None:
    assert act in read_turn(CRISIS, turn, [_DISCLOSED], []).acts


@pytest.mark.parametrize(
    ("turn", "not_act"),
    [
        # the client's own rule, reflected, is not the trainee's lecture
        ("You feel like you have to be perfect for your parents.", "lecture"),
        ("Take your time, this is for whatever is on your mind.", "rudeness"),
        ("Take care of yourself tonight - who could you call?", "closing"),
        ("I see.", "off_topic"),
        ("How is that for you?", "off_topic"),
        ("What's been going on?", "off_topic"),
    ],
)
def test_a_turn_is_not_read_as_what_it_only_resembles(turn: str, not_act: str) -> None:
    assert not_act not in read_turn(CRISIS, turn, [_DISCLOSED], []).acts


def test_a_reflection_is_accurate_only_when_it_echoes_the_client() -> None:
    echo = read_turn(CRISIS, "So you lost your job, and your marriage too.", [_DISCLOSED], [])
    assert "reflection" in echo.acts
    missed = read_turn(
        CRISIS, "It sounds like you're excited about your holiday.", [_DISCLOSED], []
    )
    assert "reflection" not in missed.acts
    assert "missed_reflection" in missed.acts


def test_each_of_several_questions_reaches_its_own_topic() -> None:
    turn = "What has kept you going through all this? Who could you reach out to tonight?"
    reached = {fid for fid, _ in read_turn(CRISIS, turn, [], []).reached}
    assert {"kids", "brother"} <= reached


def test_a_turn_reaches_the_nearest_facts_not_every_one_it_brushes() -> None:
    # "tonight" also appears in an ask of the support fact
    reached = [fid for fid, _ in read_turn(CRISIS, "What's been going on tonight?", [], []).reached]
    assert reached == ["losses"]


def test_a_question_asked_again_is_seen_as_repeated() -> None:
    asked = ["what brings you in today?"]
    assert read_turn(STUDENT, "What brings you in today?", [], asked).repeated
    assert not read_turn(STUDENT, "What has helped you cope before?", [], asked).repeated


def test_the_forms_of_an_authors_example() -> None:
    assert forms_of("Do you have pills at home?") == {"closed_question"}
    assert forms_of("What keeps you going?") == {"open_question"}
    assert forms_of("Could we make a safety plan?") == {"closed_question", "proposal"}
    assert forms_of("It sounds like you're exhausted.") == {"reflection"}
    assert forms_of("Thank you for telling me that.") == {"validation"}
    assert forms_of("Hi, thanks for calling.") == {"greeting"}
