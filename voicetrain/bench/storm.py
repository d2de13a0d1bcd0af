"""A start storm beside live sessions: S sessions at speech pacing, and once they all talk, N
trainees press start at the same moment. Run twice — through an API with admission control (a
global start rate sized for this machine), and through one without — to show what admission
buys: refused starts (429 + Retry-After) instead of slower turns for everyone live."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from core.security import mint_jwt
from voicetrain.bench.capacity import SPEECH_PACING_SECONDS
from voicetrain.bench.live import Fault, live_load
from voicetrain.bench.scenarios import Ctx
from voicetrain.devstack.processes import free_port, spawn, stop, wait_for_port


async def _storm(ctx: Ctx, api_url: str, starts: int) -> dict[str, Any]:
    """`starts` different trainees press start at once; what each was answered."""
    settings = ctx.stack.settings

    async def one(i: int, http: httpx.AsyncClient) -> int:
        token = mint_jwt(settings, sub=f"bench-storm-{uuid.uuid4().hex[:6]}-{i}", role="trainee")
        r = await http.post(
            "/v1/sessions",
            json={"scenario_id": ctx.scenario_id, "modality": "voice"},
            headers={"Authorization": f"Bearer {token}"},
        )
        return r.status_code

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=api_url, timeout=120) as http:
        codes = await asyncio.gather(*(one(i, http) for i in range(starts)))
    counts = Counter(codes)
    return {
        "starts": starts,
        "admitted": counts.get(201, 0),
        "refused_429": counts.get(429, 0),
        "other": {str(k): v for k, v in counts.items() if k not in (201, 429)},
        "answered_within_seconds": round(time.perf_counter() - began, 2),
    }


async def _run(ctx: Ctx, api_url: str, sessions: int, starts: int) -> dict[str, Any]:
    storm: dict[str, Any] = {}

    async def inject() -> None:
        storm.update(await _storm(ctx, api_url, starts))

    turns = 12
    result = await live_load(
        ctx, sessions, turns, fault=Fault(inject, hold_turns=False),
        pacing=SPEECH_PACING_SECONDS, ramp_per_second=4.0,
    )  # fmt: skip
    return {
        **storm,
        "live_turn_to_db_before_storm": result["before_fault"]["turn_to_db"],
        "live_turn_to_db_during_storm": result["during_fault"]["turn_to_db"],
        "live_check": result["check"],
    }


# What this 2-core box absorbs beside its live sessions: a start costs ~160 ms of CPU across the
# processes (docs/performance.md), the live sessions take about a core, so ~5 starts/s keep the
# other core for them. A deployment sets its own (VOICETRAIN_SESSION_START_RATE_GLOBAL).
STORM_ADMITTED_RATE = "5/second"


async def bench_storm(ctx: Ctx, sessions: int, starts: int) -> dict[str, Any]:
    """The same storm twice: without admission (the bench's own API admits everything) and with
    a global start rate sized for this machine (a second API process)."""
    port = free_port()
    env = {
        **ctx.stack.env,
        "VOICETRAIN_API_PORT": str(port),
        "VOICETRAIN_SESSION_START_RATE_GLOBAL": STORM_ADMITTED_RATE,
    }
    admitting = spawn(
        [sys.executable, "-m", "voicetrain", "api"], env=env, log=ctx.stack.dir / "api-storm.log"
    )
    try:
        await asyncio.to_thread(wait_for_port, "127.0.0.1", port, timeout=60, proc=admitting)
        # admitted first: the sessions a storm admits wait for an agent that never comes and
        # are abandoned a minute later, which would load the run after it
        with_admission = await _run(ctx, f"http://127.0.0.1:{port}", sessions, starts)
        without = await _run(ctx, ctx.stack.settings.api_url or "", sessions, starts)
    finally:
        await asyncio.to_thread(stop, admitting)
    return {
        "live_sessions": sessions,
        "global_start_rate": STORM_ADMITTED_RATE,
        "without_admission": without,
        "with_admission": with_admission,
    }
