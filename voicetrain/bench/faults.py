"""Faults injected while sessions run: the worker SIGKILLed, Postgres restarted, the agent's HTTP
bridge down for five seconds. Each run is then checked like any other."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from agent.bridge import HttpBridge, SessionBridge
from voicetrain.bench.scenarios import Ctx, live_load


class FlakyWindow(httpx.AsyncBaseTransport):
    """The agent's bridge fails (connection refused) while the window is open."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.until = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if time.perf_counter() < self.until:
            raise httpx.ConnectError("injected: bridge down", request=request)
        return await self.inner.handle_async_request(request)


async def bench_faults(ctx: Ctx, sessions: int, turns: int) -> dict[str, Any]:
    out: dict[str, Any] = {}

    async def kill_worker() -> None:
        ctx.stack.kill_worker()
        await asyncio.sleep(1)
        ctx.stack.start_worker()

    async def restart_postgres() -> None:
        await asyncio.to_thread(ctx.stack.pg.restart)

    flaky = FlakyWindow()

    async def bridge_down() -> None:
        flaky.until = time.perf_counter() + 5

    key = ctx.stack.settings.internal_service_key
    assert key is not None

    def http_bridge(sid: uuid.UUID) -> SessionBridge:
        return HttpBridge(ctx.stack.settings.api_url, key.get_secret_value(), sid, transport=flaky)

    out["worker_sigkill"] = (await live_load(ctx, sessions, turns, fault=kill_worker))["check"]
    out["postgres_restart"] = (await live_load(ctx, sessions, turns, fault=restart_postgres))[
        "check"
    ]
    out["bridge_down_5s"] = (
        await live_load(ctx, sessions, turns, fault=bridge_down, bridge_for=http_bridge)
    )["check"]
    return out
