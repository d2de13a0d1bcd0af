"""LiveKit server calls the workflow needs: explicit agent dispatch and closing a room."""

from __future__ import annotations

import logging

from livekit import api

from core.contracts import AgentJobMetadata

log = logging.getLogger(__name__)


class LiveKitRooms:
    def __init__(self, *, url: str, api_key: str, api_secret: str, agent_name: str) -> None:
        self._url, self._key, self._secret = url, api_key, api_secret
        self.agent_name = agent_name

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
