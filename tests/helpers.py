"""Small helpers shared by tests (not fixtures)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import uvicorn
from sqlalchemy import select
from starlette.types import ASGIApp
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle, WorkflowHistory
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from core.contracts.base import Modality
from core.contracts.conversation import AgentJoined, EndConversation, Turn, TurnBatch
from core.contracts.workflow import SessionLimits, SessionOutcome, SessionReady, StartSession
from core.db import queries
from core.db.engine import SessionMaker
from core.db.models import Scenario, TranscriptTurn, User
from voicetrain.devstack.processes import free_port
from workflows import interface
from workflows.interface import workflow_id
from workflows.retention import RetentionWorkflow
from workflows.session import TrainingSessionWorkflow

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HISTORY_DIR = Path(__file__).parent / "histories"


async def make_user(sm: SessionMaker, role: str = "trainee", **kw: Any) -> User:
    user = User(
        id=kw.pop("id", f"user-{uuid.uuid4()}"), role=role, email=kw.pop("email", None), name=None
    )
    async with sm() as db:
        db.add(user)
        await db.commit()
    return user


async def scenario_by_slug(sm: SessionMaker, slug: str) -> Scenario:
    async with sm() as db:
        found = await db.scalar(
            select(Scenario).where(Scenario.slug == slug).order_by(Scenario.version.desc())
        )
        assert found is not None
        return found


def make_turns(n: int, *, start_seq: int = 0) -> list[Turn]:
    turns = []
    for seq in range(start_seq, start_seq + n):
        speaker = "trainee" if seq % 2 == 0 else "client"
        text = (
            f"What has been on your mind since we last spoke, part {seq}?"
            if speaker == "trainee"
            else f"Mostly the exams, honestly ({seq})."
        )
        turns.append(
            Turn(
                seq=seq,
                speaker=speaker,
                text=text,
                started_at=T0 + timedelta(seconds=10 * seq),
                ended_at=T0 + timedelta(seconds=10 * seq + 8),
            )
        )
    return turns


async def start_session(
    client: Client,
    task_queue: str,
    *,
    user_id: str,
    scenario_id: uuid.UUID | None = None,
    assignment_id: uuid.UUID | None = None,
    limits: SessionLimits | None = None,
    session_id: uuid.UUID | None = None,
    with_start: bool = True,
    modality: Modality = "voice",
) -> tuple[WorkflowHandle[TrainingSessionWorkflow, SessionOutcome], SessionReady]:
    sid = session_id or uuid.uuid4()
    start = StartSession(
        session_id=sid,
        user_id=user_id,
        scenario_id=scenario_id,
        assignment_id=assignment_id,
        limits=limits or SessionLimits(),
        modality=modality,
    )
    if not with_start:
        # The time-skipping test server does not implement Update-with-Start: start, then update.
        handle = await client.start_workflow(
            TrainingSessionWorkflow.run, start, id=workflow_id(sid), task_queue=task_queue
        )
        return handle, await interface.AWAIT_READY.execute(handle)
    op = WithStartWorkflowOperation(
        TrainingSessionWorkflow.run,
        start,
        id=workflow_id(sid),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    ready = await interface.AWAIT_READY.execute_with_start(client, op)
    handle = await op.workflow_handle()
    return handle, ready


async def db_turns(sm: SessionMaker, session_id: uuid.UUID) -> list[TranscriptTurn]:
    async with sm() as db:
        return await queries.transcript(db, session_id)


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 20.0) -> None:
    """Wait for a condition that another process makes true (not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def begin(
    sm: SessionMaker, client: Client, task_queue: str, slug: str, **kw: Any
) -> tuple[WorkflowHandle[TrainingSessionWorkflow, SessionOutcome], SessionReady]:
    """A new trainee starts a session of scenario `slug` (the common opening of workflow tests)."""
    user = await make_user(sm)
    scenario = await scenario_by_slug(sm, slug)
    return await start_session(client, task_queue, user_id=user.id, scenario_id=scenario.id, **kw)


async def converse(
    handle: WorkflowHandle[TrainingSessionWorkflow, SessionOutcome],
    turns: list[Turn],
    *,
    end: EndConversation | None = None,
    one_signal_per_turn: bool = False,
) -> None:
    """The agent joins, sends the turns (as one batch or one signal each) and optionally ends."""
    await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity="agent-1"))
    batches = [[t] for t in turns] if one_signal_per_turn else [turns]
    for batch in batches:
        await handle.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=batch))
    if end is not None:
        await handle.signal(TrainingSessionWorkflow.end_conversation, end)


def replayer() -> Replayer:
    return Replayer(
        workflows=[TrainingSessionWorkflow, RetentionWorkflow],
        data_converter=pydantic_data_converter,
    )


async def keep_history(
    handle: WorkflowHandle[Any, Any],
    name: str,
    *,
    record: bool = True,
) -> WorkflowHistory:
    """Replay a finished run's history with this code at once; with VOICETRAIN_RECORD_HISTORIES=1
    also write it to tests/histories/NAME.json, which test_workflow_replay replays from then on
    (so a later change to the workflow must still replay what this version recorded)."""
    history = await handle.fetch_history()
    await replayer().replay_workflow(history)
    if record and os.environ.get("VOICETRAIN_RECORD_HISTORIES"):
        HISTORY_DIR.mkdir(exist_ok=True)
        (HISTORY_DIR / f"{name}.json").write_text(history.to_json())
    return history


def dev_env(state: Path, **extra: str) -> dict[str, str]:
    """The environment of a `voicetrain` subprocess with its own state dir and free ports."""
    api_port = free_port()
    env = {
        **os.environ,
        "VOICETRAIN_STATE_DIR": str(state),
        "VOICETRAIN_API_PORT": str(api_port),
        "VOICETRAIN_API_URL": f"http://127.0.0.1:{api_port}",
        "VOICETRAIN_DEV_POSTGRES_PORT": str(free_port()),
        "VOICETRAIN_DEV_TEMPORAL_PORT": str(free_port()),
        "VOICETRAIN_DEV_TEMPORAL_UI_PORT": str(free_port()),
        "VOICETRAIN_AGENT_JOIN_TIMEOUT_SECONDS": "20",
    }
    env.update(extra)
    for name in ("VOICETRAIN_DATABASE_URL", "VOICETRAIN_TEMPORAL_ADDRESS"):
        if name not in extra:
            env.pop(name, None)
    return env


def leftovers(state: Path) -> list[str]:
    """Processes still running that were started for `state` (none may outlive a command)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        try:
            # a child started with the state dir in its environment (e.g. an extra worker)
            started_for = proc.environ().get("VOICETRAIN_STATE_DIR") == str(state)
        except psutil.Error:
            started_for = False
        if str(state) in cmdline or (started_for and proc.pid != os.getpid()):
            found.append(cmdline)
    return found


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Serve `app` over real HTTP on a free local port for the block; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True  # do not wait for a request a killed client left hanging
        await task
