"""The offline client who listens (persona/client.py) over three format-2 personas written for
these tests: disclosure only when a topic is reached, in order and with trust; no verbatim
repeats; repeated, off-topic, rude, lecturing and reflective turns; the ending; determinism."""

from __future__ import annotations

import pytest

from core.contracts.base import Speaker
from core.scenarios.forms import normalise
from core.scenarios.schema import PersonaDef
from persona.client import PersonaReply, reply
from tests.persona.personas import CRISIS, GRIEF, PERSONAS, STUDENT, VARIED_LINES

Conversation = list[tuple[Speaker, str]]

# For each persona: an open question reaching its first fact, an accurate reflection of that
# disclosure, an open question reaching a fact that needs trust (and comes after the first).
OPENING_MOVES = {
    "crisis": (
        "What's been going on tonight?",
        "So you lost your job and your marriage, one right after the other.",
        "Are you having thoughts of killing yourself?",
        "suicidal_thoughts",
    ),
    "grief": (
        "Can you tell me what happened?",
        "You lost your son Jamie, only three weeks ago, in a car accident.",
        "What do you blame yourself for?",
        "guilt",
    ),
    "student": (
        "What brings you in today?",
        "So before exams your heart races and you can't breathe, the panic takes over.",
        "What do your parents expect of you?",
        "parents",
    ),
}


class Talk:
    """A conversation driven turn by turn, each client line the engine's reply."""

    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona
        self.conversation: Conversation = [("client", persona.opening_line)]
        self.replies: list[PersonaReply] = []

    def say(self, line: str) -> PersonaReply:
        self.conversation.append(("trainee", line))
        answer = reply(self.persona, self.conversation)
        self.conversation.append(("client", answer.text))
        self.replies.append(answer)
        return answer

    @property
    def disclosed(self) -> set[str]:
        return {fid for r in self.replies for fid in r.disclosed_fact_ids}


@pytest.mark.parametrize("name", PERSONAS)
def test_nothing_is_told_before_its_topic_is_reached(name: str) -> None:
    talk = Talk(PERSONAS[name])
    for line in ["Hi, thanks for coming.", "Okay.", "I see.", "Do you like football?"]:
        assert talk.say(line).disclosed_fact_ids == ()
    first, _, _, _ = OPENING_MOVES[name]
    assert talk.say(first).disclosed_fact_ids == (PERSONAS[name].facts[0].id,)


@pytest.mark.parametrize("name", PERSONAS)
def test_no_line_is_said_twice_in_thirty_turns(name: str) -> None:
    talk = Talk(PERSONAS[name])
    for line in VARIED_LINES:
        talk.say(line)
    client_lines = [normalise(text) for speaker, text in talk.conversation if speaker == "client"]
    assert len(client_lines) == 31
    assert len(set(client_lines)) == len(client_lines)


@pytest.mark.parametrize("name", PERSONAS)
def test_a_repeated_question_is_answered_like_i_said(name: str) -> None:
    talk = Talk(PERSONAS[name])
    first, _, _, _ = OPENING_MOVES[name]
    told = talk.say(first)
    again = talk.say(first)
    assert again.disclosed_fact_ids == ()
    assert again.text != told.text
    assert again.text.lower().startswith(("like i said", "i told you", "as i said"))
    # built from what was told, not a canned fallback
    assert set(normalise(told.text).split()) & set(normalise(again.text).split()) - {"i", "a"}


@pytest.mark.parametrize("name", PERSONAS)
def test_an_off_topic_turn_is_answered_in_character(name: str) -> None:
    talk = Talk(PERSONAS[name])
    answer = talk.say("What's the weather like where you are?")
    assert answer.disclosed_fact_ids == ()
    assert any(w in answer.text.lower() for w in ("what", "why", "here about", "back to"))


@pytest.mark.parametrize("name", PERSONAS)
def test_a_lecture_withdraws_the_client_until_trust_is_rebuilt(name: str) -> None:
    persona = PERSONAS[name]
    first, reflection, _, _ = OPENING_MOVES[name]
    talk = Talk(persona)
    lectured = talk.say("You need to stop feeling sorry for yourself and pull yourself together.")
    assert lectured.trust < persona.state.start
    assert lectured.text in [
        *persona.state.withdrawn,
        "Yeah, I guess.",
        "Right.",
        "Okay.",
        "I know.",
    ]
    # withdrawn: the open question that would have reached the first fact gets nothing new
    assert talk.say(first).disclosed_fact_ids == ()
    # once trust is back the same topic is told
    rebuilt = Talk(persona)
    rebuilt.say("You need to stop feeling sorry for yourself and pull yourself together.")
    rebuilt.say("That makes sense, it's a lot to carry.")
    assert rebuilt.say(first).disclosed_fact_ids == (persona.facts[0].id,)
    assert reflection  # the reflection path is covered below


@pytest.mark.parametrize("name", PERSONAS)
def test_an_accurate_reflection_opens_the_client_up(name: str) -> None:
    persona = PERSONAS[name]
    first, reflection, deeper, deeper_id = OPENING_MOVES[name]
    # without the reflection the fact that needs trust stays guarded
    guarded = Talk(persona)
    guarded.say(first)
    assert guarded.say(deeper).disclosed_fact_ids == ()
    talk = Talk(persona)
    talk.say(first)
    reflected = talk.say(reflection)
    assert reflected.trust > persona.state.start
    assert talk.say(deeper).disclosed_fact_ids == (deeper_id,)


def test_a_reflection_that_misses_is_corrected_not_rewarded() -> None:
    talk = Talk(STUDENT)
    talk.say("What brings you in today?")
    missed = talk.say("It sounds like you're excited about your holiday in the mountains.")
    assert missed.trust == STUDENT.state.start
    assert "not" in missed.text.lower()


@pytest.mark.parametrize("name", PERSONAS)
def test_a_closed_question_gets_a_guarded_answer(name: str) -> None:
    persona = PERSONAS[name]
    first_fact = persona.facts[0]
    talk = Talk(persona)
    answer = talk.say(first_fact.asks[0].replace("What", "Is something").rstrip("?") + "?")
    closed = Talk(persona).say("Is something going on with you?")
    for a in (answer, closed):
        assert a.disclosed_fact_ids == ()
    assert Talk(persona).say("Has something happened?").disclosed_fact_ids == ()


def test_a_closed_question_gets_the_facts_own_guarded_line() -> None:
    assert Talk(GRIEF).say("Did something happen?").text == "Something happened to my son."


@pytest.mark.parametrize("name", PERSONAS)
def test_goodbye_before_the_ending_facts_cuts_the_client_short(name: str) -> None:
    persona = PERSONAS[name]
    talk = Talk(persona)
    talk.say(OPENING_MOVES[name][0])
    bye = talk.say("Okay, we have to stop here. Goodbye.")
    assert bye.ended
    assert bye.text == persona.ending.cut_short_line


def test_goodbye_after_the_ending_facts_gets_the_closing_line() -> None:
    talk = Talk(STUDENT)
    talk.say("What brings you in today?")
    assert talk.say("What has helped you cope before?").disclosed_fact_ids == ("running",)
    bye = talk.say("Thank you, Maya. Take care, bye.")
    assert (bye.ended, bye.text) == (True, STUDENT.ending.closing_line)
    after = talk.say("Hello?")
    assert after.ended
    assert after.text != bye.text


@pytest.mark.parametrize("name", PERSONAS)
def test_the_same_conversation_gets_the_same_replies(name: str) -> None:
    talk = Talk(PERSONAS[name])
    for line in VARIED_LINES[:20]:
        talk.say(line)
    assert reply(PERSONAS[name], talk.conversation[:-1]) == talk.replies[-1]
    # replaying every prefix gives the reply that was given then
    for n, given in enumerate(talk.replies):
        prefix = talk.conversation[: 2 + 2 * n]
        assert prefix[-1][0] == "trainee"
        assert reply(PERSONAS[name], prefix) == given


def test_facts_are_never_told_out_of_order() -> None:
    talk = Talk(CRISIS)
    # the means fact comes after the suicidal thoughts, which come after the losses
    means = talk.say("Is there anything at home you could use to hurt yourself?")
    assert means.disclosed_fact_ids == ()
    assert "sleeping pills" not in means.text
