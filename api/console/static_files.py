"""Serving the console's files at `/`, mounted after every API route."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
# Paths that belong to the API: a miss there is the API's 404 (contract error body), never a page.
_API_PREFIXES = ("/v1/", "/internal/")
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' https: wss: ws://localhost:* ws://127.0.0.1:*{oidc}; media-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",  # revalidate, so a deploy is seen at once
}


def content_security_policy(oidc_issuer: str | None) -> str:
    """The pages hold a bearer token: no inline script, no third-party script, no framing. The
    console talks to the sign-in provider (discovery, token, revocation) from the page: https
    origins are allowed already, a plain-http issuer (a local IdP) by its origin only."""
    extra = ""
    if oidc_issuer and urlsplit(oidc_issuer).scheme == "http":
        parts = urlsplit(oidc_issuer)
        extra = f" {parts.scheme}://{parts.netloc}"
    return _CSP.format(oidc=extra)


class ConsoleFiles(StaticFiles):
    def __init__(self, *, directory: Path, oidc_issuer: str | None) -> None:
        super().__init__(directory=directory, html=True)
        self.headers = {"Content-Security-Policy": content_security_policy(oidc_issuer), **_HEADERS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(_API_PREFIXES):
            raise HTTPException(status_code=404, detail="Not Found")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def mount_console(app: FastAPI, *, oidc_issuer: str | None = None) -> None:
    """Mount last: routes registered before a mount at `/` keep answering."""
    app.mount("/", ConsoleFiles(directory=STATIC_DIR, oidc_issuer=oidc_issuer), name="console")
