"""`voicetrain bench`: speed, scale and durability measured on a real stack (embedded Postgres,
Temporal dev server, the worker and the API as separate processes), never asserted in tests."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from core.db.engine import make_engine, make_sessionmaker
from core.db.models import Scenario
from core.settings import Settings
from core.temporal import connect
from voicetrain.bench.capacity import bench_capacity
from voicetrain.bench.faults import bench_faults
from voicetrain.bench.live import live_load
from voicetrain.bench.report import consistent, table
from voicetrain.bench.scenarios import (
    FULL,
    QUICK,
    Ctx,
    Sizes,
    bench_ablation,
    bench_persistence,
    bench_start,
)
from voicetrain.bench.stack import BenchStack
from voicetrain.bench.storm import bench_storm

RESULTS_DIR = Path("bench/results")


async def run_bench(
    settings: Settings,
    *,
    quick: bool = False,
    faults: bool = False,
    sessions: int | None = None,
    turns: int | None = None,
    pacing: float | None = None,
    starts: int | None = None,
    capacity: list[int] | None = None,
    storm: int | None = None,
    workers: int | None = None,
) -> int:
    base = QUICK if quick else FULL
    sizes = Sizes(
        **{
            **asdict(base),
            "sessions": sessions or base.sessions,
            "turns": turns or base.turns,
            "pacing": base.pacing if pacing is None else pacing,
            "starts": starts or base.starts,
        }
    )
    print(
        f"starting a private bench stack ({'quick' if quick else 'full'} sizes: {asdict(sizes)})",
        flush=True,
    )
    async with BenchStack(workers=workers) as stack:
        client = await connect(stack.settings)
        engine = make_engine(stack.settings.database_url or "", pool_size=10)
        db = make_sessionmaker(engine)
        async with db() as s:
            scenario = await s.scalar(
                select(Scenario.id).where(Scenario.slug == "anxious-college-student")
            )
        async with httpx.AsyncClient(base_url=stack.settings.api_url, timeout=120) as http:
            ctx = Ctx(stack, http, client, db, str(scenario), sizes)
            results: dict[str, Any] = {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "worker_processes": len(stack.workers),
                },
                "sizes": asdict(sizes),
            }
            print("1/4 start-session latency...", flush=True)
            results["start_latency"] = await bench_start(ctx)
            results["start_ablation"] = await bench_ablation(ctx)
            print("2/4 live load...", flush=True)
            results["live_load"] = await live_load(ctx, sizes.sessions, sizes.turns)
            print("3/4 persistence...", flush=True)
            results["persistence"] = await bench_persistence(ctx)
            if capacity:
                print("capacity at speech pacing...", flush=True)
                results["capacity"] = await bench_capacity(ctx, capacity)
            if storm:
                print(
                    f"start storm of {storm} beside {sizes.sessions} live sessions...", flush=True
                )
                results["storm"] = await bench_storm(ctx, sizes.sessions, storm)
            if faults:
                print("4/4 faults...", flush=True)
                results["faults"] = await bench_faults(
                    ctx, max(2, sizes.sessions // 2), sizes.turns
                )
        await engine.dispose()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = (
        RESULTS_DIR
        / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}{'-quick' if quick else ''}.json"
    )
    path.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nresults written to {path}")
    checks = [results["live_load"]["check"], *results.get("faults", {}).values()]
    checks += [run["live_check"] for key, run in results.get("storm", {}).items() if "with" in key]
    return 0 if all(consistent(c) for c in checks) else 1
