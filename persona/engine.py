"""The persona engines behind one interface: `reply(history) -> str`, where history is the
conversation so far as (speaker, text) pairs ending with the trainee's turn.

- `ScriptedEngine`: the scenario's persona facts played offline (persona/scripted.py), deterministic.
- `ChatEngine`: an OpenAI-compatible chat-completions endpoint (VOICETRAIN_LLM_*), prompted with
  persona/prompt.py. One request per reply and no retry loop here: the caller's declared policy
  retries (the activity's RetryPolicy, the agent's session)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.contracts.base import Speaker
from core.llm import ChatClient, LLMError
from core.scenarios.schema import PersonaDef
from core.settings import Settings
from persona.prompt import chat_messages
from persona.scripted import scripted_reply

History = Sequence[tuple[Speaker, str]]


class PersonaError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class PersonaEngine(Protocol):
    @property
    def model(self) -> str: ...

    async def reply(self, history: History) -> str: ...


class ScriptedEngine:
    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona

    @property
    def model(self) -> str:
        return "voicetrain-scripted-persona"

    async def reply(self, history: History) -> str:
        return scripted_reply(self.persona, history)


class ChatEngine:
    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None,
        timeout: float,
        persona_prompt: str,
        temperature: float = 0.7,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._model = model
        self._client = ChatClient(base_url=base_url, model=model, api_key=api_key, timeout=timeout)
        self.persona_prompt = persona_prompt
        self.temperature = temperature

    @property
    def model(self) -> str:
        return self._model

    def request(self, history: History) -> dict[str, Any]:
        return {
            "model": self._model,
            "temperature": self.temperature,
            "messages": chat_messages(self.persona_prompt, history),
        }

    async def reply(self, history: History) -> str:
        try:
            content = await self._client.complete(self.request(history))
        except LLMError as exc:
            raise PersonaError(f"LLM {exc.reason}", retryable=exc.retryable) from exc
        return content.strip()


@dataclass(frozen=True)
class LLMEndpoint:
    """An OpenAI-compatible chat-completions endpoint (VOICETRAIN_LLM_BASE_URL / _MODEL / _API_KEY)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0


def llm_endpoint(settings: Settings) -> LLMEndpoint | None:
    """The one reading of the LLM settings (the persona of both modalities and the judge)."""
    if not (settings.llm_base_url and settings.llm_model):
        return None
    return LLMEndpoint(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        timeout=settings.llm_timeout_seconds,
    )


def make_engine(
    *, persona_prompt: str, script: dict[str, Any] | None, llm: LLMEndpoint | None = None
) -> PersonaEngine:
    """The LLM persona when an endpoint is configured, else the scenario's scripted persona
    (`script` is the stored scenario's persona section)."""
    if llm is not None:
        return ChatEngine(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key,
            timeout=llm.timeout,
            persona_prompt=persona_prompt,
        )
    if script is None:
        raise ValueError("no LLM configured and the scenario has no offline persona")
    return ScriptedEngine(PersonaDef.model_validate(script))
