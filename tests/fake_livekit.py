"""A real local HTTP server answering LiveKit's RoomService.DeleteRoom (Twirp, protobuf), so the
close_room activity is observed by what it sends. Rooms in `missing` answer not_found."""

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
    app = Starlette(
        routes=[Route("/twirp/livekit.RoomService/DeleteRoom", fake._delete_room, methods=["POST"])]
    )
    async with serving(app) as url:
        fake.url = url
        yield fake
