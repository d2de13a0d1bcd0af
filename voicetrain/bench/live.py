"""Live load: simulated agents holding S sessions of T turns, one signal per turn, optionally with
a fault injected; the whole truth checked afterwards (voicetrain/bench/verify.py)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import psutil
from sqlalchemy import func, select

from agent.bridge import SessionBridge, TemporalBridge
from core.contracts.conversation import AgentJoined, EndConversation, TurnBatch
from core.db.models import EvaluationRow, TranscriptTurn
from voicetrain.bench.report import summary_ms
from voicetrain.bench.scenarios import Ctx, make_turns, start_session
from voicetrain.bench.stack import cpu_seconds
from voicetrain.bench.verify import verify
from workflows.interface import workflow_id


@dataclass(frozen=True)
class Fault:
    """A fault injected into a live-load run: `inject` returns when the fault is over (the
    worker restarted, Postgres back, the bridge reachable). `during="conversation"` waits until
    every session has joined; `during="join"` strikes while the agents are joining."""

    inject: Callable[[], Awaitable[None]]
    during: str = "conversation"
    # a fault of the conversation holds every session's turns until it strikes; a load (a start
    # storm) leaves the sessions talking at their own pace
    hold_turns: bool = True


async def live_load(
    ctx: Ctx, sessions: int, turns: int, *, bridge_for: Callable[[uuid.UUID], SessionBridge] | None = None,
    fault: Fault | None = None, pacing: float | None = None, ramp_per_second: float | None = None,
) -> dict[str, Any]:  # fmt: skip
    """S concurrent simulated sessions sending T turns each, one signal per turn, as the agent does."""
    pacing = ctx.sizes.pacing if pacing is None else pacing
    sent_at: dict[tuple[uuid.UUID, int], float] = {}
    seen_at: dict[tuple[uuid.UUID, int], float] = {}
    stored_up_to: dict[uuid.UUID, int] = {}
    ended_at: dict[uuid.UUID, float] = {}
    evaluated_at: dict[uuid.UUID, float] = {}
    started: list[uuid.UUID] = []
    refused_starts = 0
    joined = asyncio.Event()
    joined_count = 0
    all_joined_at: list[float] = []
    released = asyncio.Event()  # a conversation-time fault holds the turns until it has struck
    if fault is None or fault.during == "join" or not fault.hold_turns:
        released.set()
    done = asyncio.Event()
    worker_proc = psutil.Process(ctx.stack.worker.pid) if ctx.stack.worker else None
    baseline_rss = worker_proc.memory_info().rss if worker_proc else 0
    peak_rss = baseline_rss

    async def session(i: int) -> None:
        nonlocal joined_count, refused_starts
        if ramp_per_second:
            await asyncio.sleep(i / ramp_per_second)
        sid, _ = await start_session(ctx, f"bench-live-{uuid.uuid4().hex[:6]}-{i}")
        if sid is None:
            refused_starts += 1
            joined_count += 1
            if joined_count == sessions:
                joined.set()
            return
        started.append(sid)
        bridge = bridge_for(sid) if bridge_for else TemporalBridge(ctx.client, workflow_id(sid))
        try:
            try:
                await bridge.agent_joined(AgentJoined(agent_identity=f"bench-agent-{i}"))
            finally:
                joined_count += 1
                if joined_count == sessions:
                    all_joined_at.append(time.perf_counter())
                    joined.set()
            await released.wait()
            for turn in make_turns(turns):
                sent_at[(sid, turn.seq)] = time.perf_counter()
                await bridge.send_turns(TurnBatch(turns=[turn]))
                await asyncio.sleep(pacing)
            ended_at[sid] = time.perf_counter()
            await bridge.end_conversation(
                EndConversation(reason="trainee_ended", final_turn_count=turns)
            )
        finally:
            await bridge.aclose()

    async def observe() -> None:
        nonlocal peak_rss
        while not done.is_set():
            ids = list(started)
            if ids:
                try:
                    async with ctx.db() as db:
                        # the newest stored seq per session (a session's turns are stored in
                        # seq order): a row per session, not every turn again on every look —
                        # the observer must not take the CPU it measures
                        rows = (
                            await db.execute(
                                select(TranscriptTurn.session_id, func.max(TranscriptTurn.seq))
                                .where(TranscriptTurn.session_id.in_(ids))
                                .group_by(TranscriptTurn.session_id)
                            )
                        ).all()
                        evals = (
                            await db.execute(
                                select(EvaluationRow.session_id).where(
                                    EvaluationRow.session_id.in_(ids)
                                )
                            )
                        ).scalars().all()  # fmt: skip
                except Exception:  # Postgres restarting (a fault): look again shortly
                    await asyncio.sleep(0.2)
                    continue
                now = time.perf_counter()
                for sid, newest in rows:
                    for seq in range(stored_up_to.get(sid, -1) + 1, newest + 1):
                        seen_at.setdefault((sid, seq), now)
                    stored_up_to[sid] = max(stored_up_to.get(sid, -1), newest)
                for sid in evals:
                    evaluated_at.setdefault(sid, now)
            if worker_proc and worker_proc.is_running():
                peak_rss = max(peak_rss, worker_proc.memory_info().rss)
            await asyncio.sleep(0.1)

    observer = asyncio.create_task(observe())
    cpu_before = cpu_seconds(ctx.stack)
    began = time.perf_counter()
    work = [asyncio.create_task(session(i)) for i in range(sessions)]
    fault_window: tuple[float, float] | None = None
    if fault is not None:
        if fault.during == "conversation":
            await joined.wait()  # every agent has joined: the fault hits the conversations
            released.set()
            await asyncio.sleep(pacing * turns / 3)
        fault_started = time.perf_counter()
        await fault.inject()
        fault_window = (fault_started, time.perf_counter())
    steady: dict[str, Any] = {}

    async def steady_window() -> None:
        """From the moment every session has joined until the first one ends: no starts and no
        evaluations in the window, only turns (what a deployment at that count does all day)."""
        await joined.wait()
        steady["began"], steady["cpu_before"] = time.perf_counter(), cpu_seconds(ctx.stack)
        while not ended_at and not all(t.done() for t in work):
            await asyncio.sleep(0.05)
        steady["ended"], steady["cpu_after"] = time.perf_counter(), cpu_seconds(ctx.stack)

    watcher = asyncio.create_task(steady_window())
    results = await asyncio.gather(*work, return_exceptions=True)
    if not watcher.done():
        watcher.cancel()
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    ingest_seconds = time.perf_counter() - began
    cpu_after = cpu_seconds(ctx.stack)
    check = await verify(ctx, started, turns)  # awaits every workflow's outcome first
    check["refused_starts"] = refused_starts
    check["client_errors"] = len(errors)
    await asyncio.sleep(0.3)  # one more look at the database for the last rows' times
    done.set()
    await observer
    latencies = [seen_at[k] - sent_at[k] for k in sent_at if k in seen_at]
    eval_latencies = [evaluated_at[s] - ended_at[s] for s in ended_at if s in evaluated_at]
    out: dict[str, Any] = {
        "sessions": sessions,
        "turns_per_session": turns,
        "turns_ingested_per_second": round(len(sent_at) / ingest_seconds, 1),
        "ingest_seconds": round(ingest_seconds, 2),
        "turn_to_db": summary_ms(latencies),
        "end_to_evaluation": summary_ms(eval_latencies),
        "worker_rss_mb_peak": round(peak_rss / 2**20, 1),
        "worker_rss_kb_per_active_session": round(
            (peak_rss - baseline_rss) / 1024 / max(1, sessions), 1
        ),
        "check": check,
        # CPU seconds per wall second while turns were flowing (2.0 = both cores): what bounds it
        "cpu_share_while_ingesting": {
            k: round((cpu_after[k] - cpu_before.get(k, 0.0)) / ingest_seconds, 2) for k in cpu_after
        },
        "client_errors": errors[:5],
    }
    if "ended" in steady:
        in_window = [
            k
            for k, t in sent_at.items()
            if steady["began"] <= t <= steady["ended"] and k in seen_at
        ]
        out["steady"] = {
            "seconds": round(steady["ended"] - steady["began"], 1),
            "turns": len(in_window),
            "turn_to_db": summary_ms([seen_at[k] - sent_at[k] for k in in_window]),
            "cpu_ms_per_turn": {
                k: round(
                    (steady["cpu_after"][k] - steady["cpu_before"][k])
                    * 1000
                    / max(1, len(in_window)),
                    1,
                )
                for k in steady["cpu_after"]
            },
        }
    if fault_window is not None:
        # Turns sent while the fault lasted (and one pacing period after): what it cost them.
        during = [
            seen_at[k] - t
            for k, t in sent_at.items()
            if fault_window[0] <= t <= fault_window[1] + pacing and k in seen_at
        ]
        # and those sent after every session joined, before it struck: the same sessions unhurt
        joined_at = all_joined_at[0] if all_joined_at else fault_window[0]
        before = [
            seen_at[k] - t
            for k, t in sent_at.items()
            if joined_at <= t < fault_window[0] and k in seen_at
        ]
        out["during_fault"] = {"turn_to_db": summary_ms(during)}
        out["before_fault"] = {"turn_to_db": summary_ms(before)}
        # Recovery: from the end of the fault until every turn sent before that end is stored.
        fault_end = fault_window[1]
        before = [seen_at[k] for k, t in sent_at.items() if t <= fault_end and k in seen_at]
        check["fault_seconds"] = round(fault_end - fault_window[0], 2)
        check["recovery_seconds"] = round(max([0.0, *(t - fault_end for t in before)]), 2)
        check["turn_to_db_p99_ms"] = out["turn_to_db"]["p99_ms"]
        check["end_to_evaluation_p99_ms"] = out["end_to_evaluation"]["p99_ms"]
    return out
