"""A start storm beside live sessions: S sessions at speech pacing, and once they all talk, N
trainees press start at the same moment. Run twice — through an API with admission control (a
global start rate sized for this machine), and through one without — to show what admission
buys: refused starts (429 + Retry-After) instead of slower turns for everyone live."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from voicetrain.bench.capacity import SPEECH_PACING_SECONDS
from voicetrain.bench.live import Fault, live_load
from voicetrain.bench.scenarios import Ctx
from voicetrain.devstack.processes import free_port, spawn, stop, wait_for_port


async def _storm(ctx: Ctx, api_url: str, starts: int) -> dict[str, Any]:
    """`starts` different trainees press start at once (from a process of their own:
    storm_client); what each was answered."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "voicetrain.bench.storm_client", api_url, ctx.scenario_id,
        str(starts), env=ctx.stack.env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the storm client failed ({proc.returncode})")
    answered: dict[str, Any] = json.loads(out)
    return answered


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
