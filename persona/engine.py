"""The persona engines behind one interface: `reply(history) -> str`, where history is the
conversation so far as (speaker, text) pairs ending with the trainee's turn.

- `ListeningEngine`: the offline client of a format-2 persona (persona/client.py): facts told
  when their topic is reached, trust, the ending; deterministic.
- `ScriptedEngine`: a legacy scenario's offline script (persona/scripted.py), deterministic,
  kept until every scenario is format 2 (`offline_source` picks the one a scenario has).
- `ChatEngine`: an OpenAI-compatible chat-completions endpoint (VOICETRAIN_LLM_*), prompted with
  persona/prompt.py. One request per reply and no retry loop here: the caller's declared policy
  retries (the activity's RetryPolicy, the agent's session)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from core.contracts import Speaker
from core.scenarios import Script
from core.scenarios.schema import PersonaDef
from core.settings import Settings
from persona.client import reply as listening_reply
from persona.prompt import chat_messages
from persona.prompt import persona_prompt as build_prompt
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
    def __init__(self, script: Script) -> None:
        self.script = script

    @property
    def model(self) -> str:
        return "voicetrain-scripted-persona"

    async def reply(self, history: History) -> str:
        return scripted_reply(self.script, history)


class ListeningEngine:
    def __init__(self, persona: PersonaDef) -> None:
        self.persona = persona

    @property
    def model(self) -> str:
        return "voicetrain-listening-persona"

    async def reply(self, history: History) -> str:
        return listening_reply(self.persona, history).text


def offline_source(definition: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the offline client plays from, out of a stored scenario definition: a format-2
    scenario's persona section, else a legacy scenario's script. This is what travels as
    `offline_script` (ScenarioSnapshot, AgentBriefing)."""
    section = (
        definition.get("persona") if definition.get("format") == 2 else definition.get("script")
    )
    return dict(section) if isinstance(section, Mapping) else None


def offline_persona(source: Mapping[str, Any] | None) -> PersonaDef | None:
    """The format-2 persona in an offline source (None for a legacy script or nothing)."""
    if source is None or "rules" in source:  # a legacy script has rules; a persona never does
        return None
    return PersonaDef.model_validate(source)


def offline_engine(source: Mapping[str, Any] | None) -> ListeningEngine | ScriptedEngine:
    """The offline client for a scenario (`offline_source` of its definition)."""
    persona = offline_persona(source)
    if persona is not None:
        return ListeningEngine(persona)
    if source is None:
        raise ValueError("no LLM configured and the scenario has no offline persona")
    return ScriptedEngine(Script.model_validate(source))


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
    *, persona_prompt: str, script: Mapping[str, Any] | None, llm: LLMEndpoint | None = None
) -> PersonaEngine:
    """The LLM persona when an endpoint is configured, else the scenario's offline client.
    `script` is the scenario's `offline_source`: a format-2 persona also gives the LLM its
    prompt (the same facts and rules the offline client follows)."""
    if llm is not None:
        persona = offline_persona(script)
        return ChatEngine(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key,
            timeout=llm.timeout,
            persona_prompt=persona_prompt if persona is None else build_prompt(persona),
        )
    return offline_engine(script)
