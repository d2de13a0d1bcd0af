"""The voice pipeline end to end, offline: synthesized trainee speech -> Silero VAD -> pocketsphinx
STT -> VAD turn handling -> the scripted persona -> eSpeak NG TTS, through the real AgentSession,
RolePlayClient and TranscriptRecorder, against a real session workflow (Temporal dev server,
embedded Postgres), reaching it through the TemporalBridge."""

from __future__ import annotations

import asyncio
import difflib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.llm import ChatContext, ChatMessage
from sqlalchemy import select
from temporalio.client import Client
from temporalio.worker import Worker

from agent.bridge import TemporalBridge
from agent.offline_speech import espeak_synthesize, to_mono_16k, words_of
from agent.roleplay import RolePlayClient, TranscriptRecorder
from agent.speech import offline_speech
from agent.voice_mode import run_voice_session, wait_greeted
from core.contracts import AgentJoined, EndReason, session_workflow_id
from core.db.engine import SessionMaker
from core.db.models import EvaluationRow
from core.scenarios import load_library
from core.settings import load_settings
from tests.helpers import begin, db_turns
from tests.voice.loopback import RecordingSpeaker, SyntheticMicrophone
from worker.main import build_worker

SLUG = "drinking-ambivalence-mi"
LINES = next(s for s in load_library() if s.slug == SLUG).demo.trainee_lines[:4]
MIC_RATE = 16_000


@pytest.fixture
async def worker(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> AsyncIterator[Worker]:
    w = build_worker(client, load_settings(env="dev"), sessionmaker, task_queue=task_queue)
    async with w:
        yield w


def word_accuracy(reference: list[str], heard: list[str]) -> float:
    ref, hyp = words_of(" ".join(reference)), words_of(" ".join(heard))
    matched = sum(b.size for b in difflib.SequenceMatcher(a=ref, b=hyp).get_matching_blocks())
    return matched / len(ref)


def trainee_audio(line: str) -> bytes:
    pcm, rate = espeak_synthesize(line, voice="en-us+m3", rate=150)
    assert rate != MIC_RATE  # resampled like a real microphone's audio would be
    return to_mono_16k(rtc.AudioFrame(pcm, rate, 1, len(pcm) // 2))


@dataclass
class Trainee:
    """Speaks each line once the client has finished answering, then hangs up."""

    mic: SyntheticMicrophone
    lines: list[str]
    latencies: list[float] = field(default_factory=list)

    async def __call__(self, session: AgentSession[Any], client: RolePlayClient) -> EndReason:
        await wait_greeted(client)
        for n in range(1, len(self.lines) + 1):
            await self._speak_and_wait(session, n)
        return "trainee_ended"

    async def _speak_and_wait(self, session: AgentSession[Any], n: int) -> None:
        """Say line n, then wait for the client's n-th reply (after the opening line)."""
        answered = asyncio.Event()
        speaking_at: list[float] = []

        def on_state(ev: Any) -> None:
            if ev.new_state == "speaking" and not speaking_at:
                speaking_at.append(time.time())

        def on_item(ev: Any) -> None:
            replies = [i for i in session.history.items if getattr(i, "role", "") == "assistant"]
            if len(replies) > n:
                answered.set()

        session.on("agent_state_changed", on_state)
        session.on("conversation_item_added", on_item)
        try:
            spoken_at = await self.mic.say(trainee_audio(self.lines[n - 1]))
            await asyncio.wait_for(answered.wait(), timeout=120)
        finally:
            session.off("agent_state_changed", on_state)
            session.off("conversation_item_added", on_item)
        if speaking_at:
            self.latencies.append(speaking_at[0] - spoken_at)


@pytest.mark.timeout(420)
async def test_spoken_session_reaches_the_workflow_transcript_and_evaluation(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    started = time.monotonic()
    handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
    settings = load_settings(env="dev")
    # the STT's language model: what this test says (real practice wants a Whisper-class server)
    speech = offline_speech(settings, sentences=LINES)
    mic, speaker = SyntheticMicrophone(MIC_RATE), RecordingSpeaker()
    trainee = Trainee(mic, LINES)

    recorder = await run_voice_session(
        TemporalBridge(client, session_workflow_id(ready.session_id)),
        speech,
        mic,
        speaker,
        trainee,
        agent_identity="voice-test-agent",
    )
    outcome = await handle.result()
    stored = await db_turns(sessionmaker, ready.session_id)

    # ordered, complete, and the speakers alternate as spoken: client opens, then trainee/client
    assert [t.seq for t in stored] == list(range(len(stored))) == list(range(recorder.next_seq))
    assert [t.speaker for t in stored] == ["client"] + ["trainee", "client"] * len(LINES)
    assert outcome.turn_count == len(stored)
    assert recorder.merged_items == 0  # each line was one utterance and one turn
    heard = [t.text for t in stored if t.speaker == "trainee"]
    accuracy = word_accuracy(LINES, heard)
    assert accuracy >= 0.8, (accuracy, heard)
    # the client's lines were spoken: one TTS segment per client turn, with audio in it
    assert len(speaker.segments) >= len(LINES) + 1
    assert all(s.frames > 0 and s.seconds > 0.5 for s in speaker.segments)
    # the evaluation exists
    assert outcome.phase == "completed"
    assert outcome.evaluation is not None
    async with sessionmaker() as db:
        assert await db.scalar(
            select(EvaluationRow.id).where(EvaluationRow.session_id == ready.session_id)
        )
    print(  # noqa: T201 - measurements for the report, shown with -s
        f"\nvoice session: {time.monotonic() - started:.1f}s, word accuracy {accuracy:.0%}, "
        f"end of speech -> first TTS frame {[round(x, 2) for x in trainee.latencies]}s, "
        f"TTS frames {speaker.frames}"
    )


# --- the recorder: one utterance is one turn, and nothing is lost at the end -----------------


def _message(role: str, text: str) -> ChatMessage:
    return ChatMessage(role=role, content=[text], created_at=datetime.now(UTC).timestamp())  # type: ignore[arg-type]


async def test_split_utterance_is_one_trainee_turn_and_a_missed_last_turn_is_recovered(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
    bridge = TemporalBridge(client, session_workflow_id(ready.session_id))
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
    bridge = TemporalBridge(client, session_workflow_id(ready.session_id))
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
