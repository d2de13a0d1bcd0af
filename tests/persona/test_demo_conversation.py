"""`voicetrain demo`'s conversation, over the script the demo says (voicetrain.session_runner
.demo_script) and the offline client it meets: every client line follows from the trainee's
last turn — each trainee turn is heard as it is meant (a reflection of what the client said,
never of what it has not told), answered with a disclosure, an acknowledgement, a withdrawal
after the advice or the ending, never a fallback that shows the client did not follow."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.contracts.base import Speaker
from core.scenarios.library import load_library
from core.scenarios.schema import PersonaDef
from persona.client import PersonaReply, reply
from persona.reading import CLOSERS, TurnReading, read_turn
from persona.wording import GENERIC
from voicetrain.session_runner import demo_script

SCENARIOS = {doc.slug: doc for doc in load_library()}
# What a client says when it did not follow the turn: nothing of its own to answer with.
NOT_FOLLOWING = {
    *GENERIC["unknown_open"],
    *GENERIC["unknown_closed"],
    *GENERIC["statement"],
    *GENERIC["off_topic"],
    *GENERIC["missed"],
    *GENERIC["guarded"],
    *GENERIC["not_ready"],
}


@dataclass(frozen=True)
class Exchange:
    line: str  # the trainee's turn
    answer: PersonaReply  # the client's reply
    reading: TurnReading  # how the client heard the turn


def _converse(persona: PersonaDef, lines: list[str]) -> list[Exchange]:
    conversation: list[tuple[Speaker, str]] = [("client", persona.opening_line)]
    exchanges = []
    for line in lines:
        conversation.append(("trainee", line))
        answer = reply(persona, conversation)
        # what the client had told before this turn: what the turn may reflect
        told = [w for f in persona.facts if f.id in answer.all_disclosed for w in f.says]
        told = [w for w in told if w not in answer.text]
        reading = read_turn(persona, line, [conversation[-2][1], *told], [])
        exchanges.append(Exchange(line, answer, reading))
        conversation.append(("client", answer.text))
    return exchanges


def test_the_demo_has_a_script_for_its_default_scenario() -> None:
    script = demo_script("anxious-college-student")
    assert script
    assert demo_script("no-such-scenario") is None


@pytest.mark.parametrize("slug", sorted(SCENARIOS))
def test_every_client_line_of_the_demo_follows_from_the_trainee_turn(slug: str) -> None:
    persona = SCENARIOS[slug].persona
    script = demo_script(slug)
    assert script, f"{slug} has no demo lines"
    exchanges = _converse(persona, script)
    said = [persona.opening_line]
    for n, ex in enumerate(exchanges):
        text = ex.answer.text
        where = f"{slug} turn {n}: {ex.line!r} -> {text!r}"
        assert "missed_reflection" not in ex.reading.acts, where  # reflects what was said
        assert "off_topic" not in ex.reading.acts, where
        assert text not in NOT_FOLLOWING, where
        assert not text.lower().startswith(("like i said", "i told you", "as i said")), where
        if ex.reading.acts & CLOSERS:  # the demo's deliberate mistake: the client withdraws
            assert ex.answer.disclosed_fact_ids == (), where
        assert text not in said, where
        said.append(text)
    # the demo ends as the scenario's ending says: all of it reached, the closing line said
    assert exchanges[-1].answer.ended, f"{slug}: the demo does not end the conversation"
    assert exchanges[-1].answer.text == persona.ending.closing_line
