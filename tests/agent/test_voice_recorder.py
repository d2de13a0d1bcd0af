"""The transcript recorder on a real session workflow: one utterance is one turn, a missed last
turn is recovered, and nothing is lost at the end."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Literal

from livekit.agents.llm import ChatContext, ChatMessage
from temporalio.client import Client
from temporalio.worker import Worker

from agent.bridge import TemporalBridge
from agent.roleplay import TranscriptRecorder
from core.contracts.conversation import AgentJoined
from core.db.engine import SessionMaker
from tests.helpers import begin, db_turns
from tests.voice.trainee import SLUG
from workflows.interface import workflow_id


def _message(role: Literal["user", "assistant"], text: str) -> ChatMessage:
    return ChatMessage(role=role, content=[text], created_at=datetime.now(UTC).timestamp())


async def test_split_utterance_is_one_trainee_turn_and_a_missed_last_turn_is_recovered(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
    bridge = TemporalBridge(client, workflow_id(ready.session_id))
    await bridge.agent_joined(AgentJoined(agent_identity="recorder-test"))
    sent: list[int] = []
    recorder = TranscriptRecorder(bridge, on_turn=lambda t: sent.append(t.seq))
    history = ChatContext()
    items = [
        _message("assistant", "Hi. My wife made this appointment, not me."),
        _message("user", "Hi Jordan, thanks for coming in,"),
        # the batch STT delivered the rest of the same line as a second user item
        _message("user", "especially when it wasn't your idea."),
        _message("assistant", "Yeah, well. Priya worries."),
        _message("user", "What do you enjoy about drinking?"),
        _message("assistant", "It helps me switch off."),
    ]
    for n, item in enumerate(items):
        history.insert(item)
        recorder.record(item)
        if n == 4:
            assert sent == [0, 1, 2]  # the trainee's line is held until the client answers
    assert sent == [0, 1, 2, 3, 4]
    recorder.record(items[2])  # an event delivered twice is recorded once
    # the trainee's last words were committed as the session closed: in the history, no event
    last = _message("user", "What does it do for you?")
    history.insert(last)
    await recorder.finish("participant_disconnected", history)

    outcome = await handle.result()
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [(t.seq, t.speaker, t.text) for t in stored] == [
        (0, "client", "Hi. My wife made this appointment, not me."),
        (1, "trainee", "Hi Jordan, thanks for coming in, especially when it wasn't your idea."),
        (2, "client", "Yeah, well. Priya worries."),
        (3, "trainee", "What do you enjoy about drinking?"),
        (4, "client", "It helps me switch off."),
        (5, "trainee", "What does it do for you?"),
    ]
    assert outcome.turn_count == recorder.next_seq == 6
    assert outcome.end_reason == "participant_disconnected"
    assert recorder.merged_items == 1


async def test_a_held_trainee_turn_is_sent_when_the_client_takes_too_long(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
    bridge = TemporalBridge(client, workflow_id(ready.session_id))
    await bridge.agent_joined(AgentJoined(agent_identity="recorder-test"))
    released = asyncio.Event()
    recorder = TranscriptRecorder(bridge, on_turn=lambda t: released.set(), hold_seconds=0.2)
    recorder.record(_message("user", "Hello?"))
    await asyncio.wait_for(released.wait(), timeout=30)  # no client reply: sent anyway
    recorder.record(_message("user", "Are you there?"))  # after the hold: a turn of its own
    await recorder.finish("trainee_ended")
    await handle.result()
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [(t.seq, t.text) for t in stored] == [(0, "Hello?"), (1, "Are you there?")]
