"""Limits at the edge, as pure ASGI middleware: the request body's size (also bounds chunked
bodies) and header values that are not header text."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _TooLarge(Exception):
    pass


async def reject(send: Send, status: int, error_type: str, message: str) -> None:
    """The contract's error body, sent before any route (or FastAPI's handlers) ran."""
    body = json.dumps(
        {"error": {"type": error_type, "message": message, "retryable": False}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# Header text this API accepts: visible ASCII, space and tab (RFC 9110 field-value without the
# obsolete obs-text range). Anything else (UTF-8, latin-1 bytes, controls) is refused with 400
# at the edge, so no route ever sees a key, token or id it cannot store or compare.
_HEADER_TEXT = frozenset(range(0x20, 0x7F)) | {0x09}


class HeaderText:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers", []):
                if not _HEADER_TEXT.issuperset(value):
                    header = name.decode("ascii", "replace")
                    await reject(
                        send,
                        400,
                        "invalid_header",
                        f"header {header!r}: not valid header text (printable ASCII only)",
                    )
                    return
        await self.app(scope, receive, send)


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        await reject(send, 413, "payload_too_large", f"request body over {self.max_bytes} bytes")
