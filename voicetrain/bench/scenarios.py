"""What the bench measures: start latency (and its create+load ablation), live load of simulated
agents, and batch persistence. The activities are called directly: they need no Temporal context."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete
from temporalio.client import Client

from activities.session import SessionActivities
from core.contracts.activities import LoadScenario, PersistTurns
from core.contracts.conversation import Turn
from core.contracts.workflow import StartSession
from core.db.engine import SessionMaker
from core.db.models import TranscriptTurn, User
from core.security import mint_jwt
from voicetrain.bench.floor import floor_starts
from voicetrain.bench.report import summary_ms
from voicetrain.bench.stack import BenchStack, cpu_seconds


@dataclass(frozen=True)
class Sizes:
    starts: int
    concurrency: int
    sessions: int
    turns: int
    persist: int
    ablation: int
    pacing: float  # seconds between turns of one session (compressed realistic pacing)
    start_spacing: float = 0.5  # seconds between spaced starts (latency, not overload)


FULL = Sizes(
    starts=200, concurrency=16, sessions=100, turns=60, persist=500, ablation=100, pacing=0.25
)
QUICK = Sizes(
    starts=10,
    concurrency=4,
    sessions=3,
    turns=6,
    persist=50,
    ablation=5,
    pacing=0.02,
    start_spacing=0.2,
)


WARM_UP = 3  # untimed starts per path before the timed ones (the first is reported apart)


@dataclass
class Ctx:
    stack: BenchStack
    http: httpx.AsyncClient
    client: Client
    db: SessionMaker
    scenario_id: str
    sizes: Sizes


async def start_session(ctx: Ctx, user: str) -> tuple[uuid.UUID | None, float]:
    token = mint_jwt(ctx.stack.settings, sub=user, role="trainee")
    started = time.perf_counter()
    r = await ctx.http.post(
        "/v1/sessions",
        json={"scenario_id": ctx.scenario_id, "modality": "voice"},  # bench agents join it
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    return (uuid.UUID(r.json()["session_id"]) if r.status_code == 201 else None), elapsed


async def bench_start(ctx: Ctx) -> dict[str, Any]:
    """Start latency measured as latency (starts spaced apart, so the machine is not saturated)
    and as a ratio to the floor measured in the same run; back to back and concurrent separately
    (those measure overload); CPU ms per start by component."""
    spacing = ctx.sizes.start_spacing
    # The first start of each path pays its process's one-time set-up (the API's first request,
    # the worker's first run of the workflow type: ~140 ms here against ~45); it is reported
    # apart, and a few more starts warm each path, so the percentiles are of starts as they run.
    await floor_starts(ctx.client, WARM_UP, spacing)
    first = (await start_session(ctx, "bench-first"))[1]
    for i in range(WARM_UP - 1):
        await start_session(ctx, f"bench-warm-{i}")
        await asyncio.sleep(spacing)
    floor = await floor_starts(ctx.client, ctx.sizes.starts, spacing)
    cpu_before = cpu_seconds(ctx.stack)
    spaced: list[float] = []
    for i in range(ctx.sizes.starts):
        spaced.append((await start_session(ctx, f"bench-spaced-{i}"))[1])
        await asyncio.sleep(spacing)
    cpu_after = cpu_seconds(ctx.stack)
    sequential = [(await start_session(ctx, f"bench-seq-{i}"))[1] for i in range(ctx.sizes.starts)]
    gate = asyncio.Semaphore(ctx.sizes.concurrency)

    async def one(i: int) -> float:
        async with gate:
            return (await start_session(ctx, f"bench-conc-{i}"))[1]

    concurrent = list(await asyncio.gather(*(one(i) for i in range(ctx.sizes.starts))))
    floor_p50 = statistics.median(floor)
    spaced_sorted = sorted(spaced)
    p99 = spaced_sorted[min(len(spaced) - 1, int(0.99 * len(spaced)))]
    return {
        "first_start_ms": round(first * 1000, 1),
        "floor": summary_ms(floor),
        "spaced": summary_ms(spaced),
        "spaced_p50_over_floor": round(statistics.median(spaced) / floor_p50, 2),
        "spaced_p99_over_floor_p50": round(p99 / floor_p50, 2),
        "sequential": summary_ms(sequential),
        f"concurrency_{ctx.sizes.concurrency}": summary_ms(concurrent),
        # includes the client's own share; the sessions are later abandoned (no agent joins)
        "cpu_ms_per_start": {
            k: round((cpu_after[k] - cpu_before.get(k, 0.0)) * 1000 / len(spaced), 1)
            for k in cpu_after
        },
    }


async def bench_ablation(ctx: Ctx) -> dict[str, Any]:
    """create_session + load_scenario: sequential vs concurrent, by the real activities."""
    acts = SessionActivities(ctx.db, None)
    async with ctx.db() as db:
        db.add(User(id="bench-ablation", role="trainee"))
        await db.commit()
    scenario = uuid.UUID(ctx.scenario_id)

    async def timed(run: Callable[[StartSession], Awaitable[object]]) -> float:
        start = StartSession(
            session_id=uuid.uuid4(), user_id="bench-ablation", scenario_id=scenario
        )
        began = time.perf_counter()
        await run(start)
        return time.perf_counter() - began

    async def sequential(start: StartSession) -> None:
        await acts.create_session(start)
        await acts.load_scenario(LoadScenario(scenario_id=scenario))

    async def concurrent(start: StartSession) -> None:
        await asyncio.gather(
            acts.create_session(start),
            acts.load_scenario(LoadScenario(scenario_id=scenario)),
        )

    seq = [await timed(sequential) for _ in range(ctx.sizes.ablation)]
    con = [await timed(concurrent) for _ in range(ctx.sizes.ablation)]
    return {
        "sequential": summary_ms(seq),
        "concurrent": summary_ms(con),
        "sequential_over_concurrent_p50": round(statistics.median(seq) / statistics.median(con), 2),
    }


def make_turns(n: int) -> list[Turn]:
    now = datetime.now(UTC)
    return [
        Turn(seq=i, speaker="trainee" if i % 2 else "client", text=f"Bench turn {i}: how has this week been for you, honestly?",
             started_at=now + timedelta(seconds=i), ended_at=now + timedelta(seconds=i + 1))
        for i in range(n)
    ]  # fmt: skip


async def bench_persistence(ctx: Ctx) -> dict[str, Any]:
    acts = SessionActivities(ctx.db, None)
    async with ctx.db() as db:
        db.add(User(id="bench-persist", role="trainee"))
        await db.commit()
    sids = []
    for _ in range(2):
        start = StartSession(
            session_id=uuid.uuid4(), user_id="bench-persist", scenario_id=uuid.UUID(ctx.scenario_id)
        )
        await acts.create_session(start)
        sids.append(start.session_id)
    turns = make_turns(ctx.sizes.persist)
    began = time.perf_counter()
    await acts.persist_turns(PersistTurns(session_id=sids[0], turns=turns))
    batch = time.perf_counter() - began
    began = time.perf_counter()
    for t in turns:  # the replaced system's way: one INSERT and commit per turn
        async with ctx.db() as db:
            db.add(
                TranscriptTurn(
                    session_id=sids[1],
                    seq=t.seq,
                    speaker=t.speaker,
                    text=t.text,
                    started_at=t.started_at,
                    ended_at=t.ended_at,
                )
            )
            await db.commit()
    row_by_row = time.perf_counter() - began
    async with ctx.db() as db:
        await db.execute(delete(TranscriptTurn).where(TranscriptTurn.session_id.in_(sids)))
        await db.commit()
    return {"turns": len(turns), "one_statement_ms": round(batch * 1000, 1), "row_by_row_ms": round(row_by_row * 1000, 1),
            "speedup": round(row_by_row / batch, 1)}  # fmt: skip
