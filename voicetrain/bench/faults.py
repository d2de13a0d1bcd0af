"""Faults injected while sessions run: every worker process SIGKILLed (and, with several, one of
them), Postgres restarted, the agent's HTTP
bridge down for five seconds (while conversing, and while joining). Faults of the conversation
strike after every agent has joined; the join outage is its own scenario. Each run is checked
like any other, and reports how long the system took to recover."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from agent.bridge import HttpBridge, SessionBridge
from core.security import session_bridge_token
from voicetrain.bench.live import Fault, live_load
from voicetrain.bench.scenarios import Ctx

# Turns keep flowing across each fault (a turn every half second for a while).
FAULT_PACING = 0.5
OUTAGE_SECONDS = 5.0


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
    async def kill_worker() -> None:
        ctx.stack.kill_worker()
        await asyncio.sleep(1)
        ctx.stack.start_worker()

    async def kill_one_worker() -> None:
        # the survivors take the dead one's sessions; its replacement joins a second later
        dead = ctx.stack.kill_one_worker()
        await asyncio.sleep(1)
        ctx.stack.restart_worker(dead)

    async def restart_postgres() -> None:
        await asyncio.to_thread(ctx.stack.pg.restart)

    flaky = FlakyWindow()

    async def bridge_down() -> None:
        flaky.until = time.perf_counter() + OUTAGE_SECONDS
        await asyncio.sleep(OUTAGE_SECONDS)

    key = ctx.stack.settings.internal_service_key
    assert key is not None

    def http_bridge(sid: uuid.UUID) -> SessionBridge:
        token = session_bridge_token(key.get_secret_value(), sid)
        return HttpBridge(ctx.stack.settings.api_url, token, sid, transport=flaky)

    async def run(fault: Fault, **kw: Any) -> dict[str, Any]:
        result = await live_load(ctx, sessions, turns, fault=fault, pacing=FAULT_PACING, **kw)
        check: dict[str, Any] = result["check"]
        return check

    one_of_many = {}
    if len(ctx.stack.workers) > 1:
        name = f"one_of_{len(ctx.stack.workers)}_workers_sigkill"
        one_of_many[name] = await run(Fault(kill_one_worker))
    return {
        "worker_sigkill": await run(Fault(kill_worker)),
        **one_of_many,
        "postgres_restart": await run(Fault(restart_postgres)),
        "bridge_down_5s": await run(Fault(bridge_down), bridge_for=http_bridge),
        # the production join timeout (60 s) outlasts a 5 s outage: the agents' joins are
        # retried and every session completes; an outage longer than the join timeout would
        # abandon them as agent_unavailable (the workflow tests prove that path)
        "bridge_down_during_join_5s": await run(
            Fault(bridge_down, during="join"), bridge_for=http_bridge
        ),
    }
