"""The real stack for browser tests: the API app over real HTTP (uvicorn) with its own real
worker, on the test Temporal server and Postgres."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from api.app import create_app
from core.contracts.base import Role
from core.db.engine import SessionMaker
from core.security import mint_jwt
from core.settings import Settings, load_settings
from tests.api_harness import SERVICE_KEY
from tests.helpers import serving
from worker.main import build_worker

CHROMIUM = Path("/usr/bin/chromium")
# Flags that work on this machine's closed network (see the README's browser-test notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class Stack:
    url: str
    settings: Settings
    http: httpx.AsyncClient

    def auth(self, sub: str, role: Role = "trainee") -> dict[str, str]:
        token = mint_jwt(self.settings, sub=sub, role=role, name=sub)
        return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def served_stack(
    client: Client, sessionmaker: SessionMaker, database_url: str, state_dir: Path, **overrides: Any
) -> AsyncIterator[Stack]:
    task_queue = f"console-{uuid.uuid4()}"
    settings = load_settings(
        **{
            "env": "dev",  # an OIDC test runs as "test": no dev sign-in
            "state_dir": state_dir,
            "database_url": database_url,
            "temporal_address": client.service_client.config.target_host,
            "task_queue": task_queue,
            "internal_service_key": SERVICE_KEY,
            **overrides,
        }
    )
    app = create_app(settings, temporal=client)
    async with (
        build_worker(client, settings, sessionmaker, task_queue=task_queue),
        app.router.lifespan_context(app),
        serving(app) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as http,
    ):
        yield Stack(url=url, settings=settings, http=http)


def require_chromium() -> None:
    """Never skip: a missing browser is a failure with the fix in its message."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        raise RuntimeError(
            f"{CHROMIUM} is missing: the console's browser tests need Debian's chromium. "
            "`make test` installs it (as root on Debian: apt-get install -y --no-install-recommends chromium)."
        )
