"""`voicetrain dev`: embedded Postgres + Temporal dev server + migrations + scenario import +
worker + API (and the agent when LiveKit is configured), all stopped together."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import uvicorn

from core.db.engine import make_engine, make_sessionmaker
from core.scenarios.library import import_scenarios, load_library
from core.security import mint_jwt
from core.settings import Settings
from voicetrain.devstack.postgres import EmbeddedPostgres
from voicetrain.devstack.processes import PortBusy, port_free, spawn, stop
from voicetrain.devstack.temporal import TemporalDevServer

log = logging.getLogger("voicetrain.dev")


class _QuietServer(uvicorn.Server):
    """uvicorn inside our loop: the dev stack owns SIGINT/SIGTERM and stops everything itself."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def stack_file(settings: Settings) -> Path:
    return settings.state_dir / "stack.json"


async def import_library(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=2)
    try:
        async with make_sessionmaker(engine)() as db:
            results = await import_scenarios(db, load_library())
            await db.commit()
        for r in results:
            log.info(
                "scenario %s v%d %s", r.slug, r.version, "imported" if r.created else "unchanged"
            )
    finally:
        await engine.dispose()


def workflow_url(settings: Settings, workflow_id: str) -> str:
    return f"{settings.temporal_ui_url.rstrip('/')}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}"


async def _report_exits(children: dict[str, tuple[subprocess.Popen[bytes], Path]]) -> None:
    """Say so at once when a process of the stack stops on its own (the agent refusing its
    configuration, a worker crashing): the stack keeps running without it."""
    running = dict(children)
    while running:
        for name, (proc, log_path) in list(running.items()):
            if proc.poll() is not None:
                print(
                    f"voicetrain dev: the {name} stopped (exit code {proc.returncode}); "
                    f"why: {log_path}",
                    flush=True,
                )
                del running[name]
        await asyncio.sleep(0.5)


async def run_dev_stack(settings: Settings, *, announce: bool = True) -> None:
    state = settings.state_dir.resolve()
    state.mkdir(parents=True, exist_ok=True)
    if not port_free(settings.api_host, settings.api_port):
        raise PortBusy("the voicetrain API", settings.api_host, settings.api_port)
    pg: EmbeddedPostgres | None = None
    temporal: TemporalDevServer | None = None
    agent = None
    extra_workers: list[subprocess.Popen[bytes]] = []
    try:
        database_url = settings.database_url
        if not database_url:
            pg = EmbeddedPostgres(state / "pg", port=settings.dev_postgres_port)
            database_url = await asyncio.to_thread(pg.start)
        address = settings.temporal_address
        if not address:
            temporal = TemporalDevServer(
                port=settings.dev_temporal_port, ui_port=settings.dev_temporal_ui_port, db_file=state / "temporal.db",
                namespace=settings.temporal_namespace, log=state / "temporal.log",
            )  # fmt: skip
            address = await asyncio.to_thread(temporal.start)
        settings = settings.model_copy(
            update={"database_url": database_url, "temporal_address": address}
        )
        from voicetrain.migrate import upgrade

        await asyncio.to_thread(upgrade, database_url)
        await import_library(database_url)

        from api.app import create_app
        from core.runtime import freeze_startup_heap
        from core.temporal import connect
        from worker.main import worker_from_settings
        from worker.schedules import ensure_retention_schedule

        client = await connect(settings)
        engine = make_engine(database_url, pool_size=settings.database_pool_size)
        worker = worker_from_settings(client, settings, engine)
        await ensure_retention_schedule(client, settings.task_queue)
        app = create_app(settings, temporal=client, engine=engine)
        server = _QuietServer(
            uvicorn.Config(
                app,
                host=settings.api_host,
                port=settings.api_port,
                log_level="warning",
                lifespan="on",
            )
        )
        # the in-process worker is one; the others are `voicetrain worker` processes (a Python
        # worker uses at most ~0.8 of a core: see Settings.worker_process_count)
        worker_env = {
            **os.environ,
            "VOICETRAIN_DATABASE_URL": database_url,
            "VOICETRAIN_TEMPORAL_ADDRESS": address,
            "VOICETRAIN_TEMPORAL_NAMESPACE": settings.temporal_namespace,
            "VOICETRAIN_TASK_QUEUE": settings.task_queue,
            "VOICETRAIN_STATE_DIR": str(state),
            "VOICETRAIN_ENV": settings.env,
        }
        extra_workers = [
            spawn(
                [sys.executable, "-m", "voicetrain", "worker"],
                env=worker_env,
                log=state / f"worker-{n}.log",
            )
            for n in range(2, settings.worker_process_count() + 1)
        ]
        if settings.livekit_configured:
            agent = spawn(
                [sys.executable, "-m", "voicetrain", "agent", "dev"], log=state / "agent.log"
            )

        stop_event = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop_event.set)
        freeze_startup_heap()  # the API and the in-process worker have started: see core/runtime
        async with worker:
            serve = asyncio.create_task(server.serve())
            while not server.started:
                if serve.done():
                    serve.result()
                await asyncio.sleep(0.05)
            stack_file(settings).write_text(
                json.dumps(
                    {
                        "database_url": database_url,
                        "temporal_address": address,
                        "api_url": settings.api_url,
                    }
                )
            )
            if announce:
                token = mint_jwt(
                    settings,
                    sub="dev-trainee",
                    role="trainee",
                    email="trainee@example.org",
                    name="Dev Trainee",
                )
                agent_line = (
                    f"started (LiveKit configured), log {state / 'agent.log'}"
                    if agent
                    else "text mode only (LiveKit not configured)"
                )
                print(
                    f"voicetrain dev stack is up\n"
                    f"  web console  {settings.api_url}/  (dev sign-in: any user id and role)\n"
                    f"  API docs     {settings.api_url}/docs\n"
                    f"  Temporal UI  {settings.temporal_ui_url}\n"
                    f"  Postgres     {database_url}\n"
                    f"  workers      {1 + len(extra_workers)} process(es) on task queue {settings.task_queue}\n"
                    f"  agent        {agent_line}\n"
                    f"  dev token    {token}\n"
                    f"  (voicetrain token --user EMAIL --role trainee|supervisor|admin mints more; Ctrl-C stops everything)",
                    flush=True,
                )
            children = {
                f"worker process {n}": (p, state / f"worker-{n}.log")
                for n, p in enumerate(extra_workers, start=2)
            }
            if agent is not None:
                children["agent"] = (agent, state / "agent.log")
            watch = asyncio.create_task(_report_exits(children))
            await stop_event.wait()
            watch.cancel()
            server.should_exit = True
            with suppress(asyncio.CancelledError):
                await serve
        await engine.dispose()
    finally:
        stack_file(settings).unlink(missing_ok=True)
        for proc in extra_workers:
            stop(proc)
        if agent is not None:
            stop(agent)
        if temporal is not None:
            await asyncio.to_thread(temporal.stop)
        if pg is not None:
            await asyncio.to_thread(pg.stop)
