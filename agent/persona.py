"""The offline scripted persona: a real livekit-agents `llm.LLM` driven by the scenario's script
rules (trainee intent patterns -> client replies, stage-aware, with fallbacks). With no LLM
configured it plays the client, so the whole pipeline runs offline and deterministically."""

from __future__ import annotations

import re
import uuid
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChatContext, ChoiceDelta
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

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


class _ScriptedStream(llm.LLMStream):
    def __init__(
        self,
        owner: ScriptedLLM,
        *,
        chat_ctx: ChatContext,
        tools: list[Any],
        conn_options: APIConnectOptions,
        text: str,
    ) -> None:
        super().__init__(owner, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._text = text

    async def _run(self) -> None:
        self._event_ch.send_nowait(
            ChatChunk(
                id=f"scripted-{uuid.uuid4().hex[:12]}",
                delta=ChoiceDelta(role="assistant", content=self._text),
            )
        )


class ScriptedLLM(llm.LLM[Any]):
    def __init__(self, script: Script) -> None:
        super().__init__()
        self.persona = ScriptedPersona(script)

    @property
    def model(self) -> str:
        return "voicetrain-scripted-persona"

    @property
    def provider(self) -> str:
        return "voicetrain"

    def chat(
        self,
        *,
        chat_ctx: ChatContext,
        tools: list[Any] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[Any] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        said = ""
        for item in reversed(chat_ctx.items):
            if getattr(item, "type", None) == "message" and getattr(item, "role", None) == "user":
                said = item.text_content or ""  # type: ignore[union-attr]
                break
        return _ScriptedStream(
            self,
            chat_ctx=chat_ctx,
            tools=tools or [],
            conn_options=conn_options,
            text=self.persona.reply(said),
        )
