"""Child processes of the dev stack: started in the foreground, stopped on exit, never orphaned."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

_PR_SET_PDEATHSIG = 1


class PortBusy(RuntimeError):
    def __init__(self, what: str, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is already in use, so {what} cannot start there; "
            f"stop whatever holds it or choose another port"
        )


def _die_with_parent(sig: int) -> Callable[[], None]:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    def setup() -> None:
        # If the process that started us dies (even by SIGKILL), we get `sig`: no orphans.
        libc.prctl(_PR_SET_PDEATHSIG, sig)
        os.setpgid(0, 0)

    return setup


def spawn(
    argv: Sequence[str],
    *,
    log: Path | None = None,
    user: str | None = None,
    env: dict[str, str] | None = None,
    death_signal: int = signal.SIGTERM,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    out: IO[Any] | int = subprocess.DEVNULL
    if log is not None:
        out = open(log, "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        list(argv),
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent(death_signal),
        user=user,
        env=env,
        cwd=cwd,
    )


def stop(
    proc: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 15.0
) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for_port(
    host: str, port: int, *, timeout: float, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"process {proc.args!r} exited with {proc.returncode} before listening on {port}"
            )
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {host}:{port} within {timeout:.0f}s")
