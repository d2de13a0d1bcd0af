"""`voicetrain bench`: speed, scale and durability measured on a real stack (embedded Postgres,
Temporal dev server, the worker and the API as separate processes), never asserted in tests."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import delete, select, text
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

from agent.bridge import HttpBridge, SessionBridge, TemporalBridge
from core.contracts import (
    AgentJoined,
    EndConversation,
    PersistTurns,
    StartSession,
    Turn,
    TurnBatch,
    session_workflow_id,
)
from core.db.engine import SessionMaker, make_engine, make_sessionmaker
from core.db.models import EvaluationRow, Scenario, TranscriptTurn, User
from core.security import mint_jwt
from core.settings import Settings, load_settings
from core.temporal import connect
from voicetrain.devstack.postgres import EmbeddedPostgres
from voicetrain.devstack.processes import free_port, spawn, stop, wait_for_port
from voicetrain.devstack.stack import import_library
from voicetrain.devstack.temporal import TemporalDevServer
from voicetrain.migrate import upgrade

RESULTS_DIR = Path("bench/results")


@dataclass(frozen=True)
class Sizes:
    starts: int
    concurrency: int
    sessions: int
    turns: int
    persist: int
    ablation: int
    pacing: float  # seconds between turns of one session (compressed realistic pacing)


FULL = Sizes(
    starts=200, concurrency=16, sessions=100, turns=60, persist=500, ablation=100, pacing=0.25
)
QUICK = Sizes(starts=10, concurrency=4, sessions=3, turns=6, persist=50, ablation=5, pacing=0.02)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 0.5),
        "p95_ms": pct(values, 0.95),
        "p99_ms": pct(values, 0.99),
    }


class BenchStack:
    """A private stack: nothing shared with a running `voicetrain dev`."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="voicetrain-bench-"))
        self.pg = EmbeddedPostgres(self.dir / "pg", port=free_port())
        self.temporal = TemporalDevServer(
            port=free_port(), ui_port=None, log=self.dir / "temporal.log"
        )
        self.api_port = free_port()
        self.worker: subprocess.Popen[bytes] | None = None
        self.api: subprocess.Popen[bytes] | None = None
        self.settings: Settings
        self.env: dict[str, str] = {}

    async def __aenter__(self) -> BenchStack:
        url = await asyncio.to_thread(self.pg.start)
        address = await asyncio.to_thread(self.temporal.start)
        await asyncio.to_thread(upgrade, url)
        await import_library(url)
        self.env = {
            **os.environ,
            "VOICETRAIN_ENV": "dev",
            "VOICETRAIN_STATE_DIR": str(self.dir / "state"),
            "VOICETRAIN_DATABASE_URL": url,
            "VOICETRAIN_TEMPORAL_ADDRESS": address,
            "VOICETRAIN_TASK_QUEUE": "bench",
            "VOICETRAIN_API_PORT": str(self.api_port),
            "VOICETRAIN_API_URL": f"http://127.0.0.1:{self.api_port}",
            "VOICETRAIN_AGENT_JOIN_TIMEOUT_SECONDS": "5",
            "VOICETRAIN_FINAL_TURN_WAIT_SECONDS": "30",
            "VOICETRAIN_DATABASE_POOL_SIZE": "20",
        }
        self.settings = load_settings(
            env="dev",
            state_dir=self.dir / "state",
            database_url=url,
            temporal_address=address,
            task_queue="bench",
            api_url=self.env["VOICETRAIN_API_URL"],
            api_port=self.api_port,
        )  # fmt: skip  (also creates the shared dev secrets before the children read them)
        self.start_worker()
        self.api = spawn(
            [sys.executable, "-m", "voicetrain", "api"], env=self.env, log=self.dir / "api.log"
        )
        await asyncio.to_thread(
            wait_for_port, "127.0.0.1", self.api_port, timeout=60, proc=self.api
        )
        return self

    def start_worker(self) -> None:
        self.worker = spawn(
            [sys.executable, "-m", "voicetrain", "worker"],
            env=self.env,
            log=self.dir / "worker.log",
        )

    def kill_worker(self) -> None:
        assert self.worker is not None
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(10)

    async def __aexit__(self, *exc: object) -> None:
        for proc in (self.api, self.worker):
            if proc is not None:
                await asyncio.to_thread(stop, proc)
        await asyncio.to_thread(self.temporal.stop)
        await asyncio.to_thread(self.pg.stop)


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
        json={"scenario_id": ctx.scenario_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    return (uuid.UUID(r.json()["session_id"]) if r.status_code == 201 else None), elapsed


async def bench_start(ctx: Ctx) -> dict[str, Any]:
    sequential = [(await start_session(ctx, f"bench-seq-{i}"))[1] for i in range(ctx.sizes.starts)]
    gate = asyncio.Semaphore(ctx.sizes.concurrency)

    async def one(i: int) -> float:
        async with gate:
            return (await start_session(ctx, f"bench-conc-{i}"))[1]

    concurrent = list(await asyncio.gather(*(one(i) for i in range(ctx.sizes.starts))))
    return {
        "sequential": summary_ms(sequential),
        f"concurrency_{ctx.sizes.concurrency}": summary_ms(concurrent),
    }


async def bench_ablation(ctx: Ctx) -> dict[str, Any]:
    """create_session + load_scenario: sequential vs concurrent, by the real activities."""
    from activities.session import SessionActivities
    from core.contracts import LoadScenario

    acts = SessionActivities(ctx.db, None)
    env = ActivityEnvironment()
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
        await env.run(acts.create_session, start)
        await env.run(acts.load_scenario, LoadScenario(scenario_id=scenario))

    async def concurrent(start: StartSession) -> None:
        await asyncio.gather(
            env.run(acts.create_session, start),
            env.run(acts.load_scenario, LoadScenario(scenario_id=scenario)),
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


async def live_load(
    ctx: Ctx, sessions: int, turns: int, *, bridge_for: Callable[[uuid.UUID], SessionBridge] | None = None,
    fault: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """S concurrent simulated sessions sending T turns each, one signal per turn, as the agent does."""
    sent_at: dict[tuple[uuid.UUID, int], float] = {}
    seen_at: dict[tuple[uuid.UUID, int], float] = {}
    ended_at: dict[uuid.UUID, float] = {}
    evaluated_at: dict[uuid.UUID, float] = {}
    started: list[uuid.UUID] = []
    done = asyncio.Event()
    worker_proc = psutil.Process(ctx.stack.worker.pid) if ctx.stack.worker else None
    baseline_rss = worker_proc.memory_info().rss if worker_proc else 0
    peak_rss = baseline_rss

    async def session(i: int) -> None:
        sid, _ = await start_session(ctx, f"bench-live-{uuid.uuid4().hex[:6]}-{i}")
        if sid is None:
            return
        started.append(sid)
        bridge = (
            bridge_for(sid) if bridge_for else TemporalBridge(ctx.client, session_workflow_id(sid))
        )
        try:
            await bridge.agent_joined(AgentJoined(agent_identity=f"bench-agent-{i}"))
            for turn in make_turns(turns):
                sent_at[(sid, turn.seq)] = time.perf_counter()
                await bridge.send_turns(TurnBatch(turns=[turn]))
                await asyncio.sleep(ctx.sizes.pacing)
            ended_at[sid] = time.perf_counter()
            await bridge.end_conversation(
                EndConversation(reason="trainee_ended", final_turn_count=turns)
            )
        finally:
            await bridge.aclose()

    async def observe() -> None:
        nonlocal peak_rss
        while not done.is_set() or len(evaluated_at) < len(ended_at):
            if done.is_set() and time.perf_counter() - max(ended_at.values(), default=0) > 120:
                break
            ids = list(started)
            if ids:
                try:
                    async with ctx.db() as db:
                        rows = (
                            await db.execute(
                                select(TranscriptTurn.session_id, TranscriptTurn.seq).where(
                                    TranscriptTurn.session_id.in_(ids)
                                )
                            )
                        ).all()
                        evals = (
                            (
                                await db.execute(
                                    select(EvaluationRow.session_id).where(
                                        EvaluationRow.session_id.in_(ids)
                                    )
                                )
                            )
                            .scalars()
                            .all()
                        )
                except Exception:  # Postgres restarting (a fault): look again shortly
                    await asyncio.sleep(0.2)
                    continue
                now = time.perf_counter()
                for key in rows:
                    seen_at.setdefault((key[0], key[1]), now)
                for sid in evals:
                    evaluated_at.setdefault(sid, now)
            if worker_proc and worker_proc.is_running():
                with_children = worker_proc.memory_info().rss
                peak_rss = max(peak_rss, with_children)
            await asyncio.sleep(0.1)

    observer = asyncio.create_task(observe())
    cpu_before = cpu_seconds(ctx.stack)
    began = time.perf_counter()
    work = [asyncio.create_task(session(i)) for i in range(sessions)]
    if fault is not None:
        await asyncio.sleep(max(0.5, ctx.sizes.pacing * turns / 3))
        await fault()
    results = await asyncio.gather(*work, return_exceptions=True)
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    ingest_seconds = time.perf_counter() - began
    cpu_after = cpu_seconds(ctx.stack)
    done.set()
    await observer
    check = await verify(ctx, started, turns)
    latencies = [seen_at[k] - sent_at[k] for k in sent_at if k in seen_at]
    eval_latencies = [evaluated_at[s] - ended_at[s] for s in ended_at if s in evaluated_at]
    return {
        "sessions": sessions,
        "turns_per_session": turns,
        "turns_ingested_per_second": round(len(sent_at) / ingest_seconds, 1),
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


def cpu_seconds(stack: BenchStack) -> dict[str, float]:
    def total(pid: int | None, *, children: bool = True) -> float:
        if pid is None:
            return 0.0
        try:
            proc = psutil.Process(pid)
            procs = [proc, *(proc.children(recursive=True) if children else [])]
            return float(sum(p.cpu_times().user + p.cpu_times().system for p in procs))
        except psutil.Error:
            return 0.0

    return {
        "worker": total(stack.worker.pid if stack.worker else None),
        "api": total(stack.api.pid if stack.api else None),
        "temporal": total(stack.temporal.proc.pid if stack.temporal.proc else None),
        "postgres": total(stack.pg.proc.pid if stack.pg.proc else None),
        "bench_client": total(os.getpid(), children=False),  # the others are its children
    }


async def verify(ctx: Ctx, sessions: list[uuid.UUID], turns: int) -> dict[str, int]:
    """The whole truth from the database: no turn lost or duplicated, one evaluation each."""
    async with ctx.db() as db:
        rows = (await db.execute(text(
            "SELECT s.id, count(t.seq), count(DISTINCT t.seq), min(t.seq), max(t.seq), "
            "(SELECT count(*) FROM evaluations e WHERE e.session_id = s.id) "
            "FROM training_sessions s LEFT JOIN transcript_turns t ON t.session_id = s.id "
            "WHERE s.id = ANY(:ids) GROUP BY s.id"), {"ids": sessions})).all()  # fmt: skip
    complete = sum(1 for r in rows if r[1] == r[2] == turns and r[3] == 0 and r[4] == turns - 1)
    completed = 0
    for sid in sessions:
        try:
            outcome = await ctx.client.get_workflow_handle(session_workflow_id(sid)).result()
            completed += 1 if outcome["phase"] == "completed" else 0
        except Exception:
            pass
    return {
        "started": len(sessions),
        "completed": completed,
        "complete_transcript": complete,
        "exactly_one_evaluation": sum(1 for r in rows if r[5] == 1),
    }


async def bench_persistence(ctx: Ctx) -> dict[str, Any]:
    from activities.session import SessionActivities

    acts = SessionActivities(ctx.db, None)
    env = ActivityEnvironment()
    async with ctx.db() as db:
        db.add(User(id="bench-persist", role="trainee"))
        await db.commit()
    sids = []
    for _ in range(2):
        start = StartSession(
            session_id=uuid.uuid4(), user_id="bench-persist", scenario_id=uuid.UUID(ctx.scenario_id)
        )
        await env.run(acts.create_session, start)
        sids.append(start.session_id)
    turns = make_turns(ctx.sizes.persist)
    began = time.perf_counter()
    await env.run(acts.persist_turns, PersistTurns(session_id=sids[0], turns=turns))
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


def _table(results: dict[str, Any]) -> str:
    lines = ["", "voicetrain bench", "================"]
    s = results["start_latency"]
    for name, v in s.items():
        lines.append(
            f"start session ({name:>14}): p50 {v['p50_ms']} ms  p95 {v['p95_ms']} ms  p99 {v['p99_ms']} ms  (n={v['n']})"
        )
    a = results["start_ablation"]
    lines.append(
        f"create+load sequential/concurrent (p50): {a['sequential_over_concurrent_p50']}x  ({a['sequential']['p50_ms']} vs {a['concurrent']['p50_ms']} ms)"
    )
    live = results["live_load"]
    lines.append(
        f"live load {live['sessions']}x{live['turns_per_session']}: {live['turns_ingested_per_second']} turns/s; turn->DB p50 {live['turn_to_db']['p50_ms']} ms p99 {live['turn_to_db']['p99_ms']} ms; end->evaluation p50 {live['end_to_evaluation']['p50_ms']} ms p99 {live['end_to_evaluation']['p99_ms']} ms"
    )
    lines.append(f"CPU (cores) while ingesting: {live['cpu_share_while_ingesting']}")
    lines.append(
        f"worker RSS peak {live['worker_rss_mb_peak']} MB, {live['worker_rss_kb_per_active_session']} KB per active session; check {live['check']}"
    )
    p = results["persistence"]
    lines.append(
        f"persist {p['turns']} turns: one statement {p['one_statement_ms']} ms vs row by row {p['row_by_row_ms']} ms = {p['speedup']}x"
    )
    for name, check in results.get("faults", {}).items():
        lines.append(f"fault {name:>17}: {check}")
    return "\n".join(lines)


def _consistent(check: dict[str, int]) -> bool:
    return (
        check["started"]
        == check["completed"]
        == check["complete_transcript"]
        == check["exactly_one_evaluation"]
    )


async def run_bench(
    settings: Settings,
    *,
    quick: bool = False,
    faults: bool = False,
    sessions: int | None = None,
    turns: int | None = None,
    pacing: float | None = None,
) -> int:
    base = QUICK if quick else FULL
    sizes = Sizes(
        **{
            **asdict(base),
            "sessions": sessions or base.sessions,
            "turns": turns or base.turns,
            "pacing": base.pacing if pacing is None else pacing,
        }
    )
    print(
        f"starting a private bench stack ({'quick' if quick else 'full'} sizes: {asdict(sizes)})",
        flush=True,
    )
    async with BenchStack() as stack:
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
    print(_table(results))
    print(f"\nresults written to {path}")
    checks = [results["live_load"]["check"], *results.get("faults", {}).values()]
    return 0 if all(_consistent(c) for c in checks) else 1
