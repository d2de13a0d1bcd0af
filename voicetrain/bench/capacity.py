"""Capacity at speech pacing: sessions ramped in at a configurable rate, each sending a turn
every 5 s (a person speaking), stepped up until turn -> DB p99 exceeds one second. Reports the
largest count that held and the CPU each turn costs, by component."""

from __future__ import annotations

from typing import Any

from voicetrain.bench.scenarios import Ctx, live_load

SPEECH_PACING_SECONDS = 5.0
P99_BUDGET_MS = 1000.0


async def bench_capacity(
    ctx: Ctx, steps: list[int], *, turns: int = 8, ramp_per_second: float = 20.0
) -> dict[str, Any]:
    held: int | None = None
    runs: list[dict[str, Any]] = []
    for sessions in steps:
        print(
            f"   capacity: {sessions} sessions at a turn every {SPEECH_PACING_SECONDS:.0f} s",
            flush=True,
        )
        result = await live_load(
            ctx, sessions, turns, pacing=SPEECH_PACING_SECONDS, ramp_per_second=ramp_per_second
        )
        turns_sent = sessions * turns
        cpu_ms_per_turn = {
            k: round(share * result["ingest_seconds"] * 1000 / max(1, turns_sent), 1)
            for k, share in result["cpu_share_while_ingesting"].items()
        }
        p99 = result["turn_to_db"]["p99_ms"]
        runs.append({
            "sessions": sessions,
            "turn_to_db": result["turn_to_db"],
            "cpu_ms_per_turn": cpu_ms_per_turn,
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
