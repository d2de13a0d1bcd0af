"""The persona engines behind one interface: `reply(history) -> str`, where history is the
conversation so far as (speaker, text) pairs ending with the trainee's turn.

- `ListeningEngine`: the offline client of a format-2 persona (persona/client.py): facts told
  when their topic is reached, trust, the ending; deterministic.
- `ChatEngine`: an OpenAI-compatible chat-completions endpoint (VOICETRAIN_LLM_*), prompted with
  persona/prompt.py. One request per reply and no retry loop here: the caller's declared policy
  retries (the activity's RetryPolicy, the agent's session)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.contracts.base import Speaker
from core.llm import ChatClient, LLMError
from core.scenarios.prompt import persona_prompt as build_prompt
from core.scenarios.schema import PersonaDef
from core.settings import Settings
from persona.client import reply as listening_reply
from persona.prompt import chat_messages

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


class ListeningEngine:
    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona

    @property
    def model(self) -> str:
        return "voicetrain-listening-persona"

    async def reply(self, history: History) -> str:
        return listening_reply(self.persona, history).text


def offline_source(definition: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the offline client plays from, out of a stored scenario definition: its persona
    section. This is what travels as `offline_script` (ScenarioSnapshot, AgentBriefing)."""
    section = definition.get("persona")
    return dict(section) if isinstance(section, Mapping) else None


def offline_engine(source: Mapping[str, Any] | None) -> ListeningEngine:
    """The offline client for a scenario (`offline_source` of its definition)."""
    if source is None:
        raise ValueError("no LLM configured and the scenario has no offline persona")
    return ListeningEngine(PersonaDef.model_validate(source))


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
    *, persona_prompt: str, script: Mapping[str, Any] | None, llm: LLMEndpoint | None = None
) -> PersonaEngine:
    """The LLM persona when an endpoint is configured, else the scenario's offline client.
    `script` is the scenario's `offline_source`: a format-2 persona also gives the LLM its
    prompt (the same facts and rules the offline client follows)."""
    if llm is not None:
        persona = None if script is None else PersonaDef.model_validate(script)
        return ChatEngine(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key,
            timeout=llm.timeout,
            persona_prompt=persona_prompt if persona is None else build_prompt(persona),
        )
    return offline_engine(script)
