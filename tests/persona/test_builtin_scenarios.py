"""The offline client over every built-in scenario, loaded through the real library loader (so
an authored scenario is held to the same rules): each fact told only when its topic is reached,
in order and with trust; no verbatim repeat in thirty turns; a repeated question, an off-topic
turn, a rude turn, a lecture, an accurate reflection and a goodbye each answered in character;
the same conversation gets the same replies.

Trainee turns come from the scenario's own facts (their example asks) and generic counsellor
moves, never from per-scenario lines, so these tests hold for any scenario that passes lint."""

from __future__ import annotations

import re
from collections.abc import Collection

import pytest

from core.contracts.base import Speaker
from core.scenarios.forms import normalise
from core.scenarios.library import load_library
from core.scenarios.schema import PersonaDef, PersonaFact, ScenarioDoc
from persona.client import TRUSTING, PersonaReply, reply
from persona.wording import GENERIC

SCENARIOS: dict[str, ScenarioDoc] = {doc.slug: doc for doc in load_library()}
Conversation = list[tuple[Speaker, str]]

# Generic counsellor moves with no topic of their own (a person hears nothing to tell in them).
FILLERS = ["Okay.", "I see.", "Mm.", "Right."]
OFF_TOPIC = "What's the weather like where you are?"
RUDE = "Whatever. This is a waste of my time."
LECTURE = "You need to stop feeling sorry for yourself and pull yourself together."
GOODBYE = "Okay, we have to stop here. Goodbye."

_SWAP = {
    "i": "you",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "we": "you",
    "our": "your",
    "us": "you",
}


class Talk:
    """A conversation driven turn by turn, each client line the offline client's reply."""

    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona
        self.conversation: Conversation = [("client", persona.opening_line)]
        self.replies: list[PersonaReply] = []
        self.turns: list[str] = []

    def say(self, line: str) -> PersonaReply:
        self.conversation.append(("trainee", line))
        answer = reply(self.persona, self.conversation)
        self.conversation.append(("client", answer.text))
        self.replies.append(answer)
        self.turns.append(line)
        return answer

    @property
    def disclosed(self) -> list[str]:
        return [fid for r in self.replies for fid in r.disclosed_fact_ids]

    @property
    def trust(self) -> int:
        return self.replies[-1].trust if self.replies else self.persona.state.start


def reflect(line: str) -> str:
    """An accurate reflection of a client line: its longest sentence said back in the second
    person ("I lost my job" -> "It sounds like you lost your job")."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if s]
    longest = max(sentences, key=len).strip(" .!?").lstrip(".")
    words = [_SWAP.get(w.lower(), w) for w in longest.split()]
    said = " ".join(words)
    return f"It sounds like {said[0].lower()}{said[1:]}."


def ordered(persona: PersonaDef) -> list[PersonaFact]:
    """The facts a client can tell, each after the facts it comes `after`."""
    facts = [f for f in persona.facts if f.says]
    done: list[PersonaFact] = []
    while len(done) < len(facts):
        ready = [
            f for f in facts if f not in done and all(a in {d.id for d in done} for a in f.after)
        ]
        assert ready, f"{persona.name}: facts with a circular `after`"
        done.append(ready[0])
    return done


def reach(talk: Talk, fact: PersonaFact) -> bool:
    """Put the fact's own example asks to the client until it is told, reflecting what it says
    in between (an accurate reflection is how trust is earned). True once it is told."""
    for ask in fact.asks:
        if fact.id in talk.disclosed:
            return True
        answer = talk.say(ask)
        told = [r.text for r in talk.replies if r.disclosed_fact_ids]
        if fact.id not in answer.disclosed_fact_ids and told and not answer.ended:
            talk.say(reflect(told[-1]))
    return fact.id in talk.disclosed


def walk(persona: PersonaDef, *, between: list[str] | None = None) -> Talk:
    """Every fact reached in `after` order, with `between` (generic moves) after each."""
    talk = Talk(persona)
    for n, fact in enumerate(ordered(persona)):
        reach(talk, fact)
        if between:
            talk.say(between[n % len(between)])
    return talk


def first_open(persona: PersonaDef, *, but: Collection[str] = ()) -> tuple[PersonaFact, str]:
    """A fact told at the start of a conversation (not one of `but`), and its first example
    ask that is a question (a fact with nothing before it and no trust needed)."""
    for fact in persona.facts:
        if fact.after or fact.needs_trust or not fact.says or fact.id in but:
            continue
        for ask in fact.asks:
            if ask.strip().endswith("?") and reply(
                persona, [("client", persona.opening_line), ("trainee", ask)]
            ).disclosed_fact_ids == (fact.id,):
                return fact, ask
    raise AssertionError(f"{persona.name}: no fact is told to its own example question")


def assert_in_order(talk: Talk) -> None:
    """No fact told before the facts it comes after, none needing trust before trust."""
    facts = {f.id: f for f in talk.persona.facts}
    told: list[str] = []
    for answer in talk.replies:
        for fid in answer.disclosed_fact_ids:
            assert fid not in told, f"{fid} told twice"
            assert set(facts[fid].after) <= set(told), f"{fid} told before {facts[fid].after}"
            if facts[fid].needs_trust:
                assert answer.trust >= TRUSTING, f"{fid} told before trust"
        told.extend(answer.disclosed_fact_ids)


@pytest.fixture(params=sorted(SCENARIOS))
def persona(request: pytest.FixtureRequest) -> PersonaDef:
    return SCENARIOS[request.param].persona


def test_the_library_has_the_built_in_scenarios() -> None:
    assert len(SCENARIOS) >= 5
    assert all(doc.persona.facts for doc in SCENARIOS.values())


def test_every_fact_is_told_when_its_own_topic_is_reached_in_order(persona: PersonaDef) -> None:
    talk = walk(persona)
    assert_in_order(talk)
    assert sorted(talk.disclosed) == sorted(f.id for f in persona.facts if f.says)
    # each fact was told in answer to a turn that is one of its own asks, or a reflection of
    # what the client had just said (a statement taken up alongside), never to an unrelated turn
    facts = {f.id: f for f in persona.facts}
    for turn, answer in zip(talk.turns, talk.replies, strict=True):
        for fid in answer.disclosed_fact_ids:
            assert turn in facts[fid].asks or turn.startswith("It sounds like"), (turn, fid)


def test_nothing_is_told_to_turns_that_reach_no_topic(persona: PersonaDef) -> None:
    talk = Talk(persona)
    for line in [*FILLERS, OFF_TOPIC, "Do you like football?", "Hmm."]:
        answer = talk.say(line)
        assert answer.disclosed_fact_ids == (), line
        for fact in persona.facts:
            for says in fact.says:
                assert normalise(says) not in normalise(answer.text)


def test_a_fact_is_not_told_before_the_facts_it_comes_after_nor_before_trust(
    persona: PersonaDef,
) -> None:
    gated = [f for f in persona.facts if (f.after or f.needs_trust) and f.says]
    assert gated, "every built-in orders or guards some of its facts"
    for fact in gated:
        for ask in fact.asks:  # put cold, at the start of the conversation
            answer = Talk(persona).say(ask)
            assert fact.id not in answer.disclosed_fact_ids, ask
            assert not any(normalise(s) in normalise(answer.text) for s in fact.says)


def test_a_fact_that_needs_trust_waits_for_an_accurate_reflection(persona: PersonaDef) -> None:
    for fact in [f for f in persona.facts if f.needs_trust and f.says]:
        # the facts before it told to plain questions only: trust stays where it started
        talk = Talk(persona)
        for earlier in ordered(persona):
            if earlier.id in fact.after or earlier.id in _prerequisites(persona, fact):
                questions = [a for a in earlier.asks if a.strip().endswith("?")]
                for ask in questions or earlier.asks:
                    if earlier.id not in talk.disclosed:
                        talk.say(ask)
        assert talk.trust < TRUSTING  # plain questions earn no trust
        asked = talk.say(fact.asks[0])
        assert fact.id not in asked.disclosed_fact_ids
        # what the client told, said back accurately: the client opens up and tells it
        told = [r.text for r in talk.replies if r.disclosed_fact_ids]
        talk.say(reflect(told[-1]) if told else "It sounds like this has been really hard.")
        assert talk.trust >= TRUSTING
        for earlier in ordered(persona):  # what comes before it, told now that he trusts
            if earlier.id in _prerequisites(persona, fact):
                reach(talk, earlier)
        reach(talk, fact)
        assert fact.id in talk.disclosed
        assert_in_order(talk)


def _prerequisites(persona: PersonaDef, fact: PersonaFact) -> set[str]:
    facts = {f.id: f for f in persona.facts}
    found: set[str] = set()
    todo = list(fact.after)
    while todo:
        fid = todo.pop()
        if fid not in found:
            found.add(fid)
            todo.extend(facts[fid].after)
    return found


def test_no_line_is_said_twice_in_thirty_turns(persona: PersonaDef) -> None:
    between = [*FILLERS, "Tell me more.", "How is that for you?", "What else?", OFF_TOPIC]
    talk = walk(persona, between=between)
    # and the conversation goes on past the facts: more of the same moves, repeats included
    extra = [*between, *(f.asks[0] for f in persona.facts)]
    n = 0
    while len(talk.replies) < 30:
        talk.say(extra[n % len(extra)])
        n += 1
    lines = [normalise(text) for speaker, text in talk.conversation if speaker == "client"]
    assert len(lines) >= 31
    repeats = sorted({line for line in lines if lines.count(line) > 1})
    assert repeats == []
    assert_in_order(talk)


def test_a_repeated_question_is_answered_like_i_said_with_the_same_fact(
    persona: PersonaDef,
) -> None:
    fact, ask = first_open(persona)
    talk = Talk(persona)
    told = talk.say(ask)
    again = talk.say(ask)
    assert again.disclosed_fact_ids == ()
    assert again.all_disclosed == (fact.id,)
    assert again.text.lower().startswith(("like i said", "i told you", "as i said", "yeah, like"))
    assert normalise(again.text) != normalise(told.text)
    # the same fact again, not a new one nor a canned "Yeah."
    assert any(normalise(s)[:20] in normalise(again.text) for s in fact.says)
    assert normalise(again.text) not in {"yeah.", "yeah"}


def test_an_off_topic_turn_is_answered_in_character(persona: PersonaDef) -> None:
    fact, ask = first_open(persona)
    talk = Talk(persona)
    talk.say(ask)
    answer = talk.say(OFF_TOPIC)
    assert answer.disclosed_fact_ids == ()
    assert answer.text in GENERIC["off_topic"]
    assert answer.trust == talk.replies[0].trust


def test_a_rude_turn_is_met_with_hurt_and_no_disclosure(persona: PersonaDef) -> None:
    fact, ask = first_open(persona)
    talk = Talk(persona)
    talk.say(ask)
    before = talk.trust
    answer = talk.say(RUDE)
    assert answer.disclosed_fact_ids == ()
    assert answer.trust < before
    assert answer.text in [*persona.state.withdrawn, *GENERIC["rudeness"], *GENERIC["withdrawn"]]


def test_a_lecture_withdraws_the_client(persona: PersonaDef) -> None:
    fact, ask = first_open(persona)
    talk = Talk(persona)
    told = talk.say(ask)
    lectured = talk.say(LECTURE)
    assert lectured.disclosed_fact_ids == ()
    assert lectured.trust < told.trust
    assert len(lectured.text) < len(told.text)  # guarded and shorter
    assert lectured.text in [*persona.state.withdrawn, *GENERIC["withdrawn"]]
    # withdrawn: the next topic asked openly gets nothing new
    nxt = next(f for f in ordered(persona) if f.id != fact.id and set(f.after) <= {fact.id})
    assert talk.say(nxt.asks[0]).disclosed_fact_ids == ()


def test_an_accurate_reflection_opens_the_client_up(persona: PersonaDef) -> None:
    fact, ask = first_open(persona)
    talk = Talk(persona)
    told = talk.say(ask)
    reflected = talk.say(reflect(told.text))
    assert reflected.trust > told.trust
    assert reflected.text not in [*persona.state.withdrawn, *GENERIC["withdrawn"]]
    # opened up: the next topic (one that may need trust) is told when it is asked
    nxt = next(
        (f for f in ordered(persona) if f.needs_trust and set(f.after) <= {fact.id}),
        next(f for f in ordered(persona) if f.id != fact.id and set(f.after) <= {fact.id}),
    )
    assert reach(talk, nxt)
    assert_in_order(talk)


def test_goodbye_before_the_ending_holds_cuts_the_client_short(persona: PersonaDef) -> None:
    fact, ask = first_open(persona, but=persona.ending.after)
    talk = Talk(persona)
    talk.say(ask)
    bye = talk.say(GOODBYE)
    assert not set(persona.ending.after) <= set(talk.disclosed)
    assert (bye.ended, bye.disclosed_fact_ids) == (True, ())
    assert bye.text == persona.ending.cut_short_line


def test_goodbye_once_the_ending_holds_gets_the_closing_line(persona: PersonaDef) -> None:
    talk = walk(persona)
    assert set(persona.ending.after) <= set(talk.disclosed)
    bye = talk.say("Goodbye")
    assert (bye.ended, bye.disclosed_fact_ids) == (True, ())
    assert bye.text == persona.ending.closing_line
    after = talk.say("What else has been going on?")
    assert after.ended
    assert after.disclosed_fact_ids == ()


def test_the_same_conversation_gets_the_same_replies(persona: PersonaDef) -> None:
    talk = walk(persona, between=[*FILLERS, OFF_TOPIC, LECTURE])
    for n, given in enumerate(talk.replies):
        prefix = talk.conversation[: 2 + 2 * n]
        assert prefix[-1][0] == "trainee"
        assert reply(talk.persona, prefix) == given


# The transcript issue 26 saw in the crisis-line scenario, over the built-in scenario itself.
CRISIS_LINE = "suicide-risk-assessment"
_UP_TO_RISK = [
    "Hi, I'm glad you called. Take your time - what's been going on tonight?",
    "It sounds like one loss after another, and you're exhausted from carrying it alone.",
    "When you say everyone would be better off without you, I want to ask you directly: "
    "are you having thoughts of suicide?",
]


def _crisis_talk(lines: list[str]) -> Talk:
    talk = Talk(SCENARIOS[CRISIS_LINE].persona)
    for line in lines:
        talk.say(line)
    return talk


def test_asked_for_a_way_to_do_it_the_crisis_caller_names_the_pills() -> None:
    talk = _crisis_talk([*_UP_TO_RISK, "Do you have any way to do it, anything at home?"])
    assert "suicidal_thoughts" in talk.disclosed
    means = talk.replies[-1]
    assert means.disclosed_fact_ids == ("sleeping_pills",)
    assert "sleeping pills" in means.text
    assert "tired" not in means.text


def test_told_to_take_a_pill_the_crisis_caller_makes_no_safety_plan() -> None:
    talk = _crisis_talk(
        [
            *_UP_TO_RISK,
            "Do you have any way to do it, anything at home?",
            "Who could you reach out to tonight?",
            "Just take one of your pills and get some sleep.",
        ]
    )
    told = talk.replies[-1]
    assert told.disclosed_fact_ids == ()
    assert "safety_plan" not in told.all_disclosed
    for word in ("luis", "988", "tomorrow", "plan"):
        assert word not in told.text.lower()
    assert told.trust < talk.replies[-2].trust


def test_goodbye_ends_the_crisis_call() -> None:
    talk = _crisis_talk([*_UP_TO_RISK, "Goodbye"])
    bye = talk.replies[-1]
    assert (bye.ended, bye.disclosed_fact_ids) == (True, ())
    assert bye.text == SCENARIOS[CRISIS_LINE].persona.ending.cut_short_line
    assert "tired" not in bye.text


def test_a_question_asked_twice_to_the_crisis_caller_is_not_answered_yeah() -> None:
    talk = _crisis_talk([*_UP_TO_RISK[:1], "What has kept you going through all of this?"] * 2)
    again = talk.replies[-1]
    assert normalise(again.text) not in {"yeah.", "yeah"}
    assert again.text.lower().startswith(("like i said", "i told you", "as i said", "yeah, like"))
    assert "kids" in again.text.lower()
