"""Capacity at speech pacing: sessions ramped in at a configurable rate, each sending a turn
every 5 s (a person speaking), stepped up until turn -> DB p99 exceeds one second. Reports the
largest count that held and the CPU each turn costs, by component."""

from __future__ import annotations

import math
from typing import Any

from voicetrain.bench.live import live_load
from voicetrain.bench.scenarios import Ctx

SPEECH_PACING_SECONDS = 5.0
P99_BUDGET_MS = 1000.0


STEADY_TURNS = 12  # turns each session sends after the last one has joined: a minute of talk


async def bench_capacity(
    ctx: Ctx, steps: list[int], *, ramp_per_second: float = 4.0
) -> dict[str, Any]:
    """Measured in each run's steady state (every session joined, none ended yet): the ramp-in
    (starts) and the evaluations at the end are other costs, reported elsewhere; a start storm
    is what admission control refuses (429), not what capacity means."""
    held: int | None = None
    runs: list[dict[str, Any]] = []
    for sessions in steps:
        print(
            f"   capacity: {sessions} sessions at a turn every {SPEECH_PACING_SECONDS:.0f} s",
            flush=True,
        )
        # the first session keeps talking for a minute after the last one has joined, so the
        # steady window is a minute long at any count
        ramp_turns = math.ceil(sessions / ramp_per_second / SPEECH_PACING_SECONDS)
        turns = ramp_turns + STEADY_TURNS
        result = await live_load(
            ctx, sessions, turns, pacing=SPEECH_PACING_SECONDS, ramp_per_second=ramp_per_second
        )
        steady = result.get("steady", {"turn_to_db": result["turn_to_db"], "cpu_ms_per_turn": {}})
        p99 = steady["turn_to_db"]["p99_ms"]
        runs.append({
            "sessions": sessions,
            "turn_to_db": steady["turn_to_db"],
            "steady_turns": steady.get("turns"),
            "steady_seconds": steady.get("seconds"),
            "turn_to_db_whole_run": result["turn_to_db"],
            "cpu_ms_per_turn": steady["cpu_ms_per_turn"],
            "check": result["check"],
        })  # fmt: skip
        if p99 > P99_BUDGET_MS or result["check"]["completed"] != result["check"]["started"]:
            break
        held = sessions
    return {
        "pacing_seconds": SPEECH_PACING_SECONDS,
        "ramp_sessions_per_second": ramp_per_second,
        "largest_count_with_p99_under_1s": held,
        "runs": runs,
    }
