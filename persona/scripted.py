"""The offline scripted persona: the scenario's script rules (trainee intent patterns -> client
replies, stage-aware, with fallbacks). With no LLM configured it plays the client, so the whole
pipeline runs offline and deterministically.

`scripted_reply` is a pure function of the conversation so far: it replays the script over the
earlier trainee turns and answers the last one, so the same conversation always gets the same
reply (a retried activity, a re-asked voice turn)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.contracts.base import Speaker
from core.scenarios import Script, ScriptRule

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class ScriptedPersona:
    """The script's state machine: which stage the client is in and which replies were used."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.stage = script.stages[0]
        self._used: dict[str, int] = {}
        self._compiled = [
            (rule, [re.compile(p, re.IGNORECASE) for p in rule.when]) for rule in script.rules
        ]

    def _matching(self, text: str) -> list[ScriptRule]:
        return [
            rule
            for rule, patterns in self._compiled
            if (not rule.stages or self.stage in rule.stages)
            and any(p.search(text) for p in patterns)
        ]

    def reply(self, trainee_text: str) -> str:
        # A client answers the question they were just asked: try the last sentence first, then
        # everything said; among matching rules prefer one whose replies are not used up yet.
        sentences = [s for s in _SENTENCE.split(trainee_text.strip()) if s]
        for text in ([sentences[-1]] if sentences else []) + [trainee_text]:
            matching = self._matching(text)
            if matching:
                fresh = [r for r in matching if self._used.get(r.id, 0) < len(r.replies)]
                rule = (fresh or matching)[0]
                n = self._used.get(rule.id, 0)
                self._used[rule.id] = n + 1
                if rule.next_stage:
                    self.stage = rule.next_stage
                return rule.replies[n % len(rule.replies)]
        options = self.script.fallbacks.get(self.stage) or self.script.fallbacks["default"]
        n = self._used.get(f"fallback:{self.stage}", 0)
        self._used[f"fallback:{self.stage}"] = n + 1
        return options[n % len(options)]


def scripted_reply(script: Script, history: Sequence[tuple[Speaker, str]]) -> str:
    """The client's reply to the conversation so far: every trainee turn but the last moves the
    script on as it did when it was answered; the last one is answered."""
    persona = ScriptedPersona(script)
    said = [text for speaker, text in history if speaker == "trainee"]
    for earlier in said[:-1]:
        persona.reply(earlier)
    return persona.reply(said[-1] if said else "")
