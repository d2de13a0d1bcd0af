"""A real local HTTP server answering LiveKit's RoomService.DeleteRoom and AgentDispatchService
List/CreateDispatch (Twirp, protobuf), so the close_room and dispatch_agent activities are observed
by what they send. Rooms in `missing` answer not_found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from livekit import api
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.helpers import serving


@dataclass
class FakeLiveKit:
    url: str = ""
    deleted: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    dispatches: list[api.AgentDispatch] = field(default_factory=list)

    async def _list_dispatch(self, request: Request) -> Response:
        room = api.ListAgentDispatchRequest.FromString(await request.body()).room
        found = [d for d in self.dispatches if d.room == room]
        return Response(
            api.ListAgentDispatchResponse(agent_dispatches=found).SerializeToString(),
            media_type="application/protobuf",
        )

    async def _create_dispatch(self, request: Request) -> Response:
        req = api.CreateAgentDispatchRequest.FromString(await request.body())
        dispatch = api.AgentDispatch(
            id=f"AD_{len(self.dispatches)}",
            agent_name=req.agent_name,
            room=req.room,
            metadata=req.metadata,
        )
        self.dispatches.append(dispatch)
        return Response(dispatch.SerializeToString(), media_type="application/protobuf")

    async def _delete_room(self, request: Request) -> Response:
        room = api.DeleteRoomRequest.FromString(await request.body()).room
        self.deleted.append(room)
        if room in self.missing:
            return JSONResponse({"code": "not_found", "msg": "room not found"}, status_code=404)
        return Response(
            api.DeleteRoomResponse().SerializeToString(), media_type="application/protobuf"
        )


@asynccontextmanager
async def fake_livekit() -> AsyncIterator[FakeLiveKit]:
    fake = FakeLiveKit()
    dispatch = "/twirp/livekit.AgentDispatchService"
    app = Starlette(
        routes=[
            Route("/twirp/livekit.RoomService/DeleteRoom", fake._delete_room, methods=["POST"]),
            Route(f"{dispatch}/ListDispatch", fake._list_dispatch, methods=["POST"]),
            Route(f"{dispatch}/CreateDispatch", fake._create_dispatch, methods=["POST"]),
        ]
    )
    async with serving(app) as url:
        fake.url = url
        yield fake
