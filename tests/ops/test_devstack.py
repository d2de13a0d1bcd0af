"""`voicetrain dev` and `voicetrain demo` as real subprocesses: they start, serve, and stop
leaving no process behind."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.db.models import EvaluationRow, TrainingSession, TranscriptTurn
from core.security import mint_jwt
from core.settings import load_settings
from tests.helpers import dev_env, leftovers
from voicetrain.devstack.processes import free_port


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"dev stack exited early: {proc.stdout.read().decode() if proc.stdout else ''}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("dev stack did not become healthy")


async def _workflow_pollers(address: str, task_queue: str) -> set[str]:
    client = await Client.connect(address)
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace="default",
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return {poller.identity for poller in response.pollers}


def _wait_for_pollers(state: Path, count: int, timeout: float = 60) -> set[str]:
    stack = json.loads((state / "stack.json").read_text())
    deadline = time.monotonic() + timeout
    while True:
        pollers = asyncio.run(_workflow_pollers(stack["temporal_address"], "voicetrain"))
        if len(pollers) >= count or time.monotonic() > deadline:
            return pollers
        time.sleep(0.5)


def test_dev_stack_starts_serves_stops_and_reuses_its_data(tmp_path: Path) -> None:
    state = tmp_path / "state"
    # two worker processes (the dev process's own and one `voicetrain worker`), as on 4 cores
    env = {**dev_env(state), "VOICETRAIN_WORKER_PROCESSES": "2"}
    ids = []
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "voicetrain", "dev"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(env["VOICETRAIN_API_URL"], proc)
            assert httpx.get(f"{env['VOICETRAIN_API_URL']}/readyz", timeout=5).status_code == 200
            settings = load_settings(state_dir=state)
            token = mint_jwt(settings, sub="dev-user", role="trainee")
            scenarios = httpx.get(
                f"{env['VOICETRAIN_API_URL']}/v1/scenarios",
                headers={"Authorization": f"Bearer {token}"},
                timeout=5,
            ).json()
            ids.append(sorted(s["id"] for s in scenarios))
            assert len(_wait_for_pollers(state, 2)) == 2  # both worker processes poll
        finally:
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out.decode()
        assert b"API docs" in out
        assert b"dev token" in out
        assert b"workers      2 process(es)" in out
        assert leftovers(state) == []  # the extra worker process too
    assert ids[0] == ids[1]  # the second start reused the data (same scenario rows)


def test_dev_stack_says_when_the_agent_stops_on_its_own(tmp_path: Path) -> None:
    """The agent refuses a configuration it cannot talk with (here STT turn detection): the
    stack keeps serving text practice and says at once that the agent stopped, and where why."""
    state = tmp_path / "state"
    env = {
        **dev_env(state),
        "LIVEKIT_URL": f"ws://127.0.0.1:{free_port()}",
        "LIVEKIT_API_KEY": "devkey",
        "LIVEKIT_API_SECRET": "a-dev-secret-of-at-least-32-characters",
        "VOICETRAIN_AGENT_TURN_DETECTION": "stt",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "voicetrain", "dev"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    said = bytearray()
    reader = threading.Thread(target=lambda: _read_into(proc, said), daemon=True)
    reader.start()
    try:
        _wait_healthy(env["VOICETRAIN_API_URL"], proc)
        deadline = time.monotonic() + 120
        while b"the agent stopped" not in said and time.monotonic() < deadline:
            time.sleep(0.2)
        assert httpx.get(f"{env['VOICETRAIN_API_URL']}/readyz", timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        reader.join(10)
    out = bytes(said)
    assert b"agent        started (LiveKit configured)" in out
    assert f"the agent stopped (exit code 2); why: {state / 'agent.log'}".encode() in out, out
    assert b"TURN_DETECTION=stt" in (state / "agent.log").read_bytes()
    assert leftovers(state) == []


def _read_into(proc: subprocess.Popen[bytes], buffer: bytearray) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        buffer.extend(line)


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    env = dev_env(tmp_path / "state")
    port = int(env["VOICETRAIN_API_PORT"])
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        out = subprocess.run(
            [sys.executable, "-m", "voicetrain", "dev"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 3
    assert f"port {port}" in out.stderr
    assert leftovers(tmp_path / "state") == []


async def test_demo_runs_a_whole_session_and_leaves_nothing_behind(
    tmp_path: Path, database_url: str, sessionmaker: SessionMaker
) -> None:
    import asyncio

    state = tmp_path / "fresh"
    env = dev_env(state, VOICETRAIN_DATABASE_URL=database_url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "voicetrain",
        "demo",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=240)
    text = out.decode()
    assert proc.returncode == 0, text
    assert "Overall" in text
    assert "PASSED" in text
    assert "Temporal UI for this run" in text
    session_id = uuid.UUID(text.split("(session ")[1].split(",")[0])
    async with sessionmaker() as db:
        session = await db.get(TrainingSession, session_id)
        turns = await db.scalar(select(func.count()).where(TranscriptTurn.session_id == session_id))
        evaluations = await db.scalar(
            select(func.count()).where(EvaluationRow.session_id == session_id)
        )
    assert session is not None
    assert session.status == "completed"
    assert turns == session.turn_count > 10
    assert evaluations == 1
    assert leftovers(state) == []
