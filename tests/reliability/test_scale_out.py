"""Scale-out by worker processes (issue 25): sessions live on one worker process, a second one
joins, the first is killed in the middle of the load, and the survivor carries every session to
its end with every turn stored once. Both are real `voicetrain worker` processes on one task
queue, as compose runs its worker replicas."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from core.contracts.conversation import AgentJoined, EndConversation, TurnBatch
from core.contracts.workflow import SessionOutcome
from core.db.engine import SessionMaker
from tests.helpers import begin, db_turns, make_turns
from tests.worker_faults import worker_process
from workflows import interface
from workflows.session import TrainingSessionWorkflow

SLUG = "anxious-college-student"
SESSIONS = 8
HALF = 6


async def _workers_of(handle: WorkflowHandle[Any, Any]) -> set[str]:
    """The identities of the workers that ran this workflow's tasks."""
    found = set()
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            found.add(event.workflow_task_started_event_attributes.identity)
    return found


async def test_one_of_two_worker_processes_killed_mid_load_loses_no_turn(
    sessionmaker: SessionMaker, client: Client, task_queue: str, database_url: str, tmp_path: Path
) -> None:
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    with worker_process(client, database_url, task_queue, tmp_path / "first") as first:
        # every session starts while the first process is the only one polling
        sessions = [await begin(sessionmaker, client, task_queue, SLUG) for _ in range(SESSIONS)]
        handles = [handle for handle, _ in sessions]
        for n, handle in enumerate(handles):
            await interface.AGENT_JOINED.execute(handle, AgentJoined(agent_identity=f"agent-{n}"))
        with worker_process(client, database_url, task_queue, tmp_path / "second"):
            # the first half of every conversation arrives, and the first process dies under it
            await asyncio.gather(
                *(
                    h.signal(TrainingSessionWorkflow.add_turns, TurnBatch(turns=make_turns(HALF)))
                    for h in handles
                )
            )
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            second_half = TurnBatch(turns=make_turns(HALF, start_seq=HALF))
            end = EndConversation(reason="trainee_ended", final_turn_count=2 * HALF)
            for h in handles:
                await h.signal(TrainingSessionWorkflow.add_turns, second_half)
                await h.signal(TrainingSessionWorkflow.end_conversation, end)
            outcomes: list[SessionOutcome] = await asyncio.wait_for(
                asyncio.gather(*(h.result() for h in handles)), timeout=120
            )
    assert [o.phase for o in outcomes] == ["completed"] * SESSIONS
    assert [o.turn_count for o in outcomes] == [2 * HALF] * SESSIONS
    for _, ready in sessions:
        assert [t.seq for t in await db_turns(sessionmaker, ready.session_id)] == list(
            range(2 * HALF)
        )
    # each session ran on the killed process first and was finished by the survivor
    for handle in handles:
        identities = await _workers_of(handle)
        assert any(i.startswith(f"{first.pid}@") for i in identities), identities
        assert len(identities) == 2, identities
