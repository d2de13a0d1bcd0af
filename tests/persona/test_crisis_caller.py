"""The failures issue 26 saw in the crisis-line scenario with the pattern-script persona, as
tests of the offline client over a crisis caller with a means fact."""

from __future__ import annotations

from core.contracts.base import Speaker
from persona.client import PersonaReply, reply
from tests.persona.personas import CRISIS

Conversation = list[tuple[Speaker, str]]


def _talk(lines: list[str]) -> tuple[Conversation, list[PersonaReply]]:
    conversation: Conversation = [("client", CRISIS.opening_line)]
    replies = []
    for line in lines:
        conversation.append(("trainee", line))
        answer = reply(CRISIS, conversation)
        conversation.append(("client", answer.text))
        replies.append(answer)
    return conversation, replies


_UP_TO_RISK = [
    "Hi, I'm Alex. Take your time - what's been going on tonight?",
    "It sounds like one loss after another, and you're exhausted from carrying it alone.",
    "When you say everyone would be better off without you, I want to ask you directly: "
    "are you having thoughts of suicide?",
]


def test_asked_about_means_the_caller_names_them() -> None:
    _, replies = _talk([*_UP_TO_RISK, "Do you have any way to do it, anything at home?"])
    assert replies[2].disclosed_fact_ids == ("suicidal_thoughts",)
    means = replies[-1]
    assert means.disclosed_fact_ids == ("pills",)
    assert "sleeping pills" in means.text
    assert "tired" not in means.text


def test_told_to_take_a_pill_he_does_not_make_a_safety_plan() -> None:
    _, replies = _talk(
        [
            *_UP_TO_RISK,
            "Do you have any way to do it, anything at home?",
            "Who could you reach out to tonight?",
            "Just take one of your pills and get some sleep.",
        ]
    )
    told = replies[-1]
    assert told.disclosed_fact_ids == ()
    assert "plan_agreed" not in told.all_disclosed
    for word in ("luis", "988", "tomorrow", "plan"):
        assert word not in told.text.lower()
    assert told.trust < replies[-2].trust  # unasked advice: he withdraws


def test_a_plan_proposed_with_him_is_agreed_and_the_call_ends_well() -> None:
    _, replies = _talk(
        [
            *_UP_TO_RISK,
            "Do you have any way to do it, anything at home?",
            "Who could you reach out to tonight?",
            "Could we make a safety plan together for tonight - maybe Luis could hold on to "
            "the pills?",
            "Goodbye",
        ]
    )
    assert replies[-2].disclosed_fact_ids == ("plan_agreed",)
    assert replies[-1].ended
    assert replies[-1].text == CRISIS.ending.closing_line


def test_goodbye_is_answered_as_an_ending() -> None:
    _, replies = _talk(["What's been going on?", "Goodbye"])
    bye = replies[-1]
    assert bye.ended
    assert bye.text == CRISIS.ending.cut_short_line
    assert "tired" not in bye.text


def test_a_question_asked_twice_is_not_answered_yeah() -> None:
    _, replies = _talk(["What has kept you going through all this?"] * 2)
    assert replies[0].disclosed_fact_ids == ("kids",)
    assert replies[1].text.lower().startswith("like i said")
    assert "kids" in replies[1].text.lower()


def test_two_questions_at_once_get_two_answers_at_most() -> None:
    _, replies = _talk(
        [
            "What has kept you going through all this? Who could you reach out to tonight? "
            "What's been going on?"
        ]  # fmt: skip
    )
    assert len(replies[0].disclosed_fact_ids) == 2
    assert set(replies[0].disclosed_fact_ids) <= {"kids", "brother", "losses"}


def test_reflecting_what_he_told_is_met_as_being_understood() -> None:
    _, replies = _talk(
        ["What's been going on?", "So you lost your job and your marriage, one after the other."]
    )
    felt = replies[-1]
    assert felt.disclosed_fact_ids == ()
    assert felt.trust > CRISIS.state.start
    assert felt.text in [*CRISIS.state.warm, "Yeah. That's it, exactly.", "Yeah. It really is."]
