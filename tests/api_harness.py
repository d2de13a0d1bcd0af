"""The real app in-process (httpx ASGI transport) with a real worker, Temporal and Postgres."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from temporalio.client import Client

from api.app import create_app
from core.contracts.base import Role
from core.db.engine import SessionMaker
from core.db.models import TrainingSession
from core.security import mint_jwt, session_bridge_token
from core.settings import Settings, load_settings
from worker.main import build_worker

SERVICE_KEY = "k" * 8 + uuid.uuid4().hex + "-internal-service-key"
LIVEKIT_SECRET = "lk-secret-" + uuid.uuid4().hex + uuid.uuid4().hex


@dataclass
class Api:
    http: httpx.AsyncClient
    settings: Settings
    sessionmaker: SessionMaker

    def token(self, sub: str, role: Role = "trainee", **claims: Any) -> str:
        return mint_jwt(
            self.settings, sub=sub, role=role, email=f"{sub}@example.org", name=sub, **claims
        )

    def auth(self, sub: str, role: Role = "trainee") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, role)}"}

    async def sessions_of(self, user: str, *, active_only: bool = False) -> int:
        """How many session rows this user has (only the active ones, with `active_only`)."""
        query = select(func.count()).select_from(TrainingSession)
        query = query.where(TrainingSession.user_id == user)
        if active_only:
            query = query.where(TrainingSession.status == "active")
        async with self.sessionmaker() as db:
            return int(await db.scalar(query) or 0)

    def bridge(self, session_id: object) -> dict[str, str]:
        """The HTTP bridge credential the agent of this one session gets in its job metadata."""
        return {"X-Bridge-Token": session_bridge_token(SERVICE_KEY, uuid.UUID(str(session_id)))}


@asynccontextmanager
async def running_api(
    client: Client,
    sessionmaker: SessionMaker,
    database_url: str,
    state_dir: Path,
    *,
    livekit: bool = False,
    **overrides: Any,
) -> AsyncIterator[Api]:
    task_queue = f"api-{uuid.uuid4()}"
    extra: dict[str, Any] = {}
    if livekit:
        extra = {
            "livekit_url": "wss://livekit.example.org",
            "livekit_api_key": "APIkey123",
            "livekit_api_secret": LIVEKIT_SECRET,
        }
    settings = load_settings(
        env="dev",
        state_dir=state_dir,
        database_url=database_url,
        temporal_address=client.service_client.config.target_host,
        task_queue=task_queue,
        internal_service_key=overrides.pop("internal_service_key", SERVICE_KEY),
        **extra,
        **overrides,
    )
    app = create_app(settings, temporal=client, engine=None)
    worker = build_worker(client, settings, sessionmaker, task_queue=task_queue)
    async with worker, app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=60
        ) as http:
            yield Api(http=http, settings=settings, sessionmaker=sessionmaker)


async def make_team(api: Api, lead: str | None, *members: str) -> str:
    """A team made through the admin API, led by `lead`, with `members` as trainees."""
    admin = api.auth("root", "admin")
    r = await api.http.post("/v1/teams", json={"name": f"team-{uuid.uuid4()}"}, headers=admin)
    assert r.status_code == 201, r.text
    team: str = r.json()["id"]
    for user, role in [*([(lead, "lead")] if lead else []), *((m, "member") for m in members)]:
        r = await api.http.put(
            f"/v1/teams/{team}/members/{user}", json={"role": role}, headers=admin
        )
        assert r.status_code == 200, r.text
    return team
