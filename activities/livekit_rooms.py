"""LiveKit server calls the workflow needs: explicit agent dispatch and closing a room."""

from __future__ import annotations

import logging
from uuid import UUID

from livekit import api

from core.contracts.conversation import AgentJobMetadata
from core.security import session_bridge_token

log = logging.getLogger(__name__)


class LiveKitRooms:
    def __init__(
        self, *, url: str, api_key: str, api_secret: str, agent_name: str, bridge_key: str
    ) -> None:
        self._url, self._key, self._secret = url, api_key, api_secret
        self.agent_name = agent_name
        self._bridge_key = bridge_key

    def job_metadata(self, session_id: UUID, workflow_id: str) -> AgentJobMetadata:
        """What the dispatched agent gets: its session and a credential for that session only."""
        return AgentJobMetadata(
            session_id=session_id,
            workflow_id=workflow_id,
            bridge_token=session_bridge_token(self._bridge_key, session_id),
        )

    def _client(self) -> api.LiveKitAPI:
        return api.LiveKitAPI(self._url, self._key, self._secret)

    async def dispatch(self, room_name: str, metadata: AgentJobMetadata) -> str:
        async with self._client() as lk:
            # Idempotent under activity retry: reuse a dispatch of our agent to this room.
            for existing in await lk.agent_dispatch.list_dispatch(room_name):
                if existing.agent_name == self.agent_name:
                    return str(existing.id)
            dispatch = await lk.agent_dispatch.create_dispatch(
                api.CreateAgentDispatchRequest(
                    agent_name=self.agent_name, room=room_name, metadata=metadata.model_dump_json()
                )
            )
            return str(dispatch.id)

    async def close(self, room_name: str) -> None:
        async with self._client() as lk:
            try:
                await lk.room.delete_room(api.DeleteRoomRequest(room=room_name))
            except api.TwirpError as exc:
                if exc.code != api.TwirpErrorCode.NOT_FOUND:
                    raise
