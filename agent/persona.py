"""The persona engine (persona/) as a livekit-agents `llm.LLM`: the voice agent and the text
modality's activity play the client with the same code and the same prompt. `ScriptedLLM` is the
offline client (a format-2 persona's listening client, or a legacy script); `PersonaLLM(ChatEngine)`
is the LLM persona (OpenAI-compatible)."""

from __future__ import annotations

import uuid
from typing import Any

from livekit.agents import APIError, llm
from livekit.agents.llm import ChatChunk, ChatContext, ChoiceDelta
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from core.contracts.base import Speaker
from core.scenarios.schema import PersonaDef
from persona.engine import ListeningEngine, PersonaEngine, PersonaError

__all__ = ["PersonaLLM", "ScriptedLLM", "history_of"]

_SPEAKERS: dict[str, Speaker] = {"user": "trainee", "assistant": "client"}


def history_of(chat_ctx: ChatContext) -> list[tuple[Speaker, str]]:
    """The conversation in a chat context as the engine reads it (instructions left out: the
    engine builds its own from the scenario)."""
    history: list[tuple[Speaker, str]] = []
    for item in chat_ctx.items:
        if getattr(item, "type", None) != "message":
            continue
        speaker = _SPEAKERS.get(str(getattr(item, "role", "")))
        text = (getattr(item, "text_content", None) or "").strip()
        if speaker and text:
            history.append((speaker, text))
    return history


class _PersonaStream(llm.LLMStream):
    def __init__(
        self,
        owner: PersonaLLM,
        *,
        chat_ctx: ChatContext,
        tools: list[Any],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(owner, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._engine = owner.engine

    async def _run(self) -> None:
        try:
            text = await self._engine.reply(history_of(self._chat_ctx))
        except PersonaError as exc:
            raise APIError(exc.reason, retryable=exc.retryable) from exc
        self._event_ch.send_nowait(
            ChatChunk(
                id=f"persona-{uuid.uuid4().hex[:12]}",
                delta=ChoiceDelta(role="assistant", content=text),
            )
        )


class PersonaLLM(llm.LLM[Any]):
    def __init__(self, engine: PersonaEngine) -> None:
        super().__init__()
        self.engine = engine

    @property
    def model(self) -> str:
        return self.engine.model

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
        return _PersonaStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class ScriptedLLM(PersonaLLM):
    """The offline client (deterministic: the reply is a function of the history)."""

    def __init__(self, persona: PersonaDef | ListeningEngine) -> None:
        super().__init__(ListeningEngine(persona) if isinstance(persona, PersonaDef) else persona)
