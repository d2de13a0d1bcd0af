"""The offline scripted persona: with no LLM configured it plays the client from the scenario's
persona facts, so the whole pipeline runs offline and deterministically. A stopgap until the
persona engine plays the facts properly: the reply is the next wording of the fact whose example
asks are nearest the trainee's turn (facts whose `after` are not yet told wait), else a neutral
line.

`scripted_reply` is a pure function of the conversation so far: it replays the earlier trainee
turns and answers the last one, so the same conversation always gets the same reply (a retried
activity, a re-asked voice turn)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.contracts.base import Speaker
from core.scenarios.schema import PersonaDef, PersonaFact
from core.semantic import similarity

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
REACHES = 0.5  # a trainee turn this close to one of a fact's example asks reaches it


class ScriptedPersona:
    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona
        self._used: dict[str, int] = {}

    def _reached(self, text: str) -> list[tuple[float, PersonaFact]]:
        told = {f for f, n in self._used.items() if n}
        scored = [
            (max(similarity(text, ask) for ask in fact.asks), fact)
            for fact in self.persona.facts
            if fact.asks and fact.says and set(fact.after) <= told
        ]
        return sorted([sf for sf in scored if sf[0] >= REACHES], key=lambda sf: -sf[0])

    def reply(self, trainee_text: str) -> str:
        # A client answers the question they were just asked: the last sentence first, then
        # everything said; a fact not yet told goes before one told already.
        sentences = [s for s in _SENTENCE.split(trainee_text.strip()) if s]
        for text in ([sentences[-1]] if sentences else []) + [trainee_text]:
            reached = self._reached(text)
            if reached:
                fresh = [f for _, f in reached if self._used.get(f.id, 0) < len(f.says)]
                fact = (fresh or [f for _, f in reached])[0]
                n = self._used.get(fact.id, 0)
                self._used[fact.id] = n + 1
                return fact.says[n % len(fact.says)]
        options = self.persona.state.neutral or ["I don't know."]
        n = self._used.get(":neutral", 0)
        self._used[":neutral"] = n + 1
        return options[n % len(options)]


def scripted_reply(persona: PersonaDef, history: Sequence[tuple[Speaker, str]]) -> str:
    """The client's reply to the conversation so far: every trainee turn but the last moves the
    persona on as it did when it was answered; the last one is answered."""
    player = ScriptedPersona(persona)
    said = [text for speaker, text in history if speaker == "trainee"]
    for earlier in said[:-1]:
        player.reply(earlier)
    return player.reply(said[-1] if said else "")
