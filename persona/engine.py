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

import httpx

from core.contracts.base import Speaker
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
        self._api_key = api_key
        self._timeout = timeout
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
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                response = await http.post(
                    f"{self.base_url}/chat/completions", json=self.request(history), headers=headers
                )
        except httpx.TimeoutException as exc:
            raise PersonaError(f"LLM timed out after {self._timeout:g}s", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise PersonaError(f"LLM unreachable: {type(exc).__name__}", retryable=True) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise PersonaError(f"LLM answered HTTP {response.status_code}", retryable=True)
        if response.status_code != 200:
            raise PersonaError(
                f"LLM rejected the request: HTTP {response.status_code}", retryable=False
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise PersonaError(
                f"LLM returned invalid output: {type(exc).__name__}", retryable=True
            ) from exc
        if not isinstance(content, str) or not content.strip():
            raise PersonaError("LLM returned an empty reply", retryable=True)
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
