"""The voice pipeline end to end, offline: synthesized trainee speech -> Silero VAD -> pocketsphinx
STT -> VAD turn handling -> the scripted persona -> eSpeak NG TTS, through the real AgentSession,
RolePlayClient and TranscriptRecorder, against a real session workflow (Temporal dev server,
embedded Postgres), reaching it through the TemporalBridge."""

from __future__ import annotations

import time
from typing import Any

import pytest
from livekit.agents import AgentSession
from sqlalchemy import select
from temporalio.client import Client
from temporalio.worker import Worker

from agent.bridge import TemporalBridge
from agent.roleplay import RolePlayClient
from agent.speech import offline_speech
from agent.voice_mode import run_voice_session, wait_greeted
from core.contracts.conversation import EndReason
from core.db.engine import SessionMaker
from core.db.models import EvaluationRow
from core.settings import load_settings
from tests.helpers import begin, db_turns
from tests.voice.loopback import RecordingSpeaker, SyntheticMicrophone
from tests.voice.trainee import LINES, MIC_RATE, SLUG, Trainee, trainee_audio, word_accuracy
from workflows.interface import workflow_id


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
        TemporalBridge(client, workflow_id(ready.session_id)),
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


@pytest.mark.timeout(300)
async def test_trainee_hanging_up_right_after_speaking_loses_no_turn(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker
) -> None:
    """The trainee's last words are still being transcribed when they leave: closing the session
    commits them, reconciliation sends them, and the final count includes them."""
    handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
    line = LINES[1]
    speech = offline_speech(load_settings(env="dev"), sentences=[line])
    mic, speaker = SyntheticMicrophone(MIC_RATE), RecordingSpeaker()

    async def hang_up_after_speaking(
        session: AgentSession[Any], agent: RolePlayClient
    ) -> EndReason:
        await wait_greeted(agent)
        await mic.say(trainee_audio(line))
        return "participant_disconnected"  # gone before the end of the turn was detected

    recorder = await run_voice_session(
        TemporalBridge(client, workflow_id(ready.session_id)),
        speech,
        mic,
        speaker,
        hang_up_after_speaking,
    )
    outcome = await handle.result()
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [t.speaker for t in stored] == ["client", "trainee"]
    assert word_accuracy([line], [stored[1].text]) >= 0.8, stored[1].text
    assert outcome.turn_count == recorder.next_seq == 2
    # (one trainee turn is below the evaluation minimum, so the session ends unevaluated)
    assert outcome.phase == "abandoned"
