"""A private stack for the bench: embedded Postgres, the Temporal dev server, and the worker and
the API as separate processes (nothing shared with a running `voicetrain dev`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

from core.settings import Settings, load_settings
from voicetrain.devstack.postgres import EmbeddedPostgres
from voicetrain.devstack.processes import free_port, spawn, stop, wait_for_port
from voicetrain.devstack.stack import import_library
from voicetrain.devstack.temporal import TemporalDevServer
from voicetrain.migrate import upgrade


class BenchStack:
    """A private stack: nothing shared with a running `voicetrain dev`."""

    def __init__(self, *, workers: int | None = None) -> None:
        self.worker_count = workers
        self.dir = Path(tempfile.mkdtemp(prefix="voicetrain-bench-"))
        self.pg = EmbeddedPostgres(self.dir / "pg", port=free_port())
        self.temporal = TemporalDevServer(
            port=free_port(), ui_port=None, log=self.dir / "temporal.log"
        )
        self.api_port = free_port()
        self.workers: list[subprocess.Popen[bytes]] = []
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
            "VOICETRAIN_DATABASE_POOL_SIZE": "20",
            # the bench measures the system, not admission control: its many simulated
            # trainees start far faster than a real deployment would admit
            "VOICETRAIN_SESSION_START_RATE_GLOBAL": "10000/second",
        }
        if self.worker_count is not None:
            self.env["VOICETRAIN_WORKER_PROCESSES"] = str(self.worker_count)
        self.settings = load_settings(
            env="dev",
            state_dir=self.dir / "state",
            database_url=url,
            temporal_address=address,
            task_queue="bench",
            api_url=self.env["VOICETRAIN_API_URL"],
            api_port=self.api_port,
            worker_processes=self.worker_count,
        )  # fmt: skip  (also creates the shared dev secrets before the children read them)
        self.start_worker()
        self.api = spawn(
            [sys.executable, "-m", "voicetrain", "api"], env=self.env, log=self.dir / "api.log"
        )
        await asyncio.to_thread(
            wait_for_port, "127.0.0.1", self.api_port, timeout=60, proc=self.api
        )
        return self

    @property
    def worker(self) -> subprocess.Popen[bytes] | None:
        """The first worker process (the one whose memory the bench reports)."""
        return self.workers[0] if self.workers else None

    def start_worker(self) -> None:
        """As many worker processes as `voicetrain dev` runs here (Settings.worker_process_count)."""
        self.workers = [
            spawn(
                [sys.executable, "-m", "voicetrain", "worker"],
                env=self.env,
                log=self.dir / f"worker-{n}.log",
            )
            for n in range(1, self.settings.worker_process_count() + 1)
        ]

    def kill_worker(self) -> None:
        """Every worker process at once (the worst case: nobody left to take over)."""
        for proc in self.workers:
            proc.send_signal(signal.SIGKILL)
        for proc in self.workers:
            proc.wait(10)

    def kill_one_worker(self) -> subprocess.Popen[bytes]:
        """The first worker process only: the others take over its sessions."""
        proc = self.workers[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        return proc

    def restart_worker(self, dead: subprocess.Popen[bytes]) -> None:
        """A replacement for one killed worker process (as compose restarts a replica)."""
        n = self.workers.index(dead) + 1
        self.workers[n - 1] = spawn(
            [sys.executable, "-m", "voicetrain", "worker"],
            env=self.env,
            log=self.dir / f"worker-{n}.log",
        )

    async def __aexit__(self, *exc: object) -> None:
        for proc in (self.api, *self.workers):
            if proc is not None:
                await asyncio.to_thread(stop, proc)
        await asyncio.to_thread(self.temporal.stop)
        await asyncio.to_thread(self.pg.stop)


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
        "worker": sum(total(proc.pid) for proc in stack.workers),
        "api": total(stack.api.pid if stack.api else None),
        "temporal": total(stack.temporal.proc.pid if stack.temporal.proc else None),
        "postgres": total(stack.pg.proc.pid if stack.pg.proc else None),
        "bench_client": total(os.getpid(), children=False),  # the others are its children
    }
