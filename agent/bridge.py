"""The agent's one small interface to its session workflow, with two implementations: the
Temporal client (default) and HTTP to the API's /internal/v1 bridge."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

import httpx
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential_jitter

from core.contracts.conversation import (
    AgentBriefing,
    AgentJobMetadata,
    AgentJoined,
    EndConversation,
    TurnBatch,
)
from core.settings import Settings
from workflows import interface


class BridgeError(Exception):
    """A permanent refusal (the session is over, or the request is invalid)."""


class SessionBridge(Protocol):
    async def agent_joined(self, joined: AgentJoined) -> AgentBriefing: ...
    async def send_turns(self, batch: TurnBatch) -> None: ...
    async def end_conversation(self, end: EndConversation) -> None: ...
    async def aclose(self) -> None: ...


class TemporalBridge:
    """Talks to the workflow directly. The SDK retries transient RPC failures itself."""

    def __init__(self, client: Client, workflow_id: str) -> None:
        self._handle = client.get_workflow_handle(workflow_id)

    async def agent_joined(self, joined: AgentJoined) -> AgentBriefing:
        try:
            return await interface.AGENT_JOINED.execute(self._handle, joined)
        except WorkflowUpdateFailedError as exc:
            raise BridgeError(str(exc.cause or exc)) from exc
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:  # the workflow already finished
                raise BridgeError(exc.message) from exc
            raise

    async def send_turns(self, batch: TurnBatch) -> None:
        await interface.ADD_TURNS.send(self._handle, batch)

    async def end_conversation(self, end: EndConversation) -> None:
        await interface.END_CONVERSATION.send(self._handle, end)

    async def aclose(self) -> None:
        return None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (408, 425, 429) or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


class HttpBridge:
    """For agents hosted where Temporal is unreachable. Transient failures are retried by a
    declared policy (exponential backoff with jitter, bounded), never by a hand-written loop."""

    def __init__(
        self, base_url: str, bridge_token: str, session_id: UUID, *, give_up_after: float = 120.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:  # fmt: skip
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/internal/v1/sessions/{session_id}",
            headers={"X-Bridge-Token": bridge_token},
            timeout=15.0,
            transport=transport,
        )
        self._give_up_after = give_up_after

    def _policy(self) -> AsyncRetrying:
        return AsyncRetrying(
            retry=retry_if_exception(_transient),
            wait=wait_exponential_jitter(multiplier=0.2, max=5.0, jitter=0.2),
            stop=stop_after_delay(self._give_up_after),
            reraise=True,
        )

    async def _post(self, path: str, payload: str) -> httpx.Response:
        async for attempt in self._policy():
            with attempt:
                response = await self._http.post(
                    path, content=payload, headers={"content-type": "application/json"}
                )
                if response.status_code in (404, 409, 422):
                    raise BridgeError(f"{path}: HTTP {response.status_code} {response.text[:200]}")
                response.raise_for_status()
                return response
        raise AssertionError("unreachable: the retry policy re-raises")

    async def agent_joined(self, joined: AgentJoined) -> AgentBriefing:
        response = await self._post("/agent-joined", joined.model_dump_json())
        return AgentBriefing.model_validate_json(response.content)

    async def send_turns(self, batch: TurnBatch) -> None:
        await self._post("/turns", batch.model_dump_json())

    async def end_conversation(self, end: EndConversation) -> None:
        await self._post("/ended", end.model_dump_json())

    async def aclose(self) -> None:
        await self._http.aclose()


async def bridge_for(settings: Settings, meta: AgentJobMetadata) -> SessionBridge:
    """The bridge the settings choose (the agent process and `voicetrain practice --voice` alike):
    Temporal directly, or the API's HTTP bridge with the credential of this one session."""
    if settings.agent_bridge == "http":
        return HttpBridge(settings.api_url, meta.bridge_token, meta.session_id)
    from core.temporal import connect

    return TemporalBridge(await connect(settings), meta.workflow_id)
