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
from pathlib import Path
from typing import Any, Literal

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
from agent.speech import (
    check_speech,
    offline_speech,
    session_kwargs,
    speech_from_settings,
    speech_problems,
)
from agent.voice_mode import run_voice_session, wait_greeted
from core.contracts import AgentJoined, EndReason, session_workflow_id
from core.db.engine import SessionMaker
from core.db.models import EvaluationRow
from core.scenarios.library import load_library
from core.settings import SettingsError, load_settings
from tests.fake_speech_server import fake_speech
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


def _message(role: Literal["user", "assistant"], text: str) -> ChatMessage:
    return ChatMessage(role=role, content=[text], created_at=datetime.now(UTC).timestamp())


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


# --- self-hosted speech: OpenAI-compatible endpoints through livekit-plugins-openai -------------


async def test_self_hosted_speech_endpoints_carry_a_spoken_session(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker, tmp_path: Path
) -> None:
    from livekit.plugins import openai

    lines = LINES[:2]
    async with fake_speech(lines) as server:
        settings = load_settings(
            env="dev", state_dir=tmp_path, stt_base_url=server.url, tts_base_url=server.url,
            stt_model="Systran/faster-whisper-small", tts_model="kokoro", tts_voice="af_heart",
            livekit_url="ws://livekit:7880", livekit_api_key="k", livekit_api_secret="s" * 32,
        )  # fmt: skip
        assert speech_problems(settings, environ={}) == ([], [])
        speech = speech_from_settings(settings)
        assert isinstance(speech.stt, openai.STT)
        assert isinstance(speech.tts, openai.TTS)
        handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
        mic, speaker = SyntheticMicrophone(MIC_RATE), RecordingSpeaker()
        await run_voice_session(
            TemporalBridge(client, session_workflow_id(ready.session_id)),
            speech,
            mic,
            speaker,
            Trainee(mic, lines),
        )
        await handle.result()

    # the VAD cut the trainee's speech into utterances, each sent as WAV for transcription
    assert len(server.transcriptions) >= len(lines)
    for upload in server.transcriptions:
        assert upload.audio[:4] == b"RIFF"
        assert upload.fields["model"] == "Systran/faster-whisper-small"
        assert upload.fields["language"] == "en"
    # the client's lines were asked for as WAV with the configured model and voice
    assert len(server.speech_requests) >= len(lines) + 1
    for request in server.speech_requests:
        assert (request["model"], request["voice"], request["response_format"]) == (
            "kokoro",
            "af_heart",
            "wav",
        )
    assert all(s.frames > 0 and s.seconds > 0.5 for s in speaker.segments)
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [t.speaker for t in stored] == ["client"] + ["trainee", "client"] * len(lines)
    heard = [t.text for t in stored if t.speaker == "trainee"]
    assert word_accuracy(lines, heard) >= 0.8, heard


def test_speech_configuration_fails_fast_or_warns(tmp_path: Path) -> None:
    def problems(environ: dict[str, str] | None = None, **kw: Any) -> tuple[list[str], list[str]]:
        lk = {"livekit_api_key": "k", "livekit_api_secret": "s" * 32}
        settings = load_settings(env="dev", state_dir=tmp_path, **{**lk, **kw})
        return speech_problems(settings, environ or {})

    # Inference model strings on a self-hosted LiveKit: the agent could join but never talk
    errors, _ = problems(livekit_url="ws://livekit:7880")
    assert len(errors) == 1
    assert "self-hosted LiveKit" in errors[0]
    assert "VOICETRAIN_STT_BASE_URL" in errors[0]
    assert problems(livekit_url="ws://127.0.0.1:7880")[0]
    assert problems(livekit_url="wss://lk.10.0.0.5.nip.io")[1]  # can't tell: a warning
    # LiveKit Cloud: fine
    assert problems(livekit_url="wss://voicetrain-abc123.livekit.cloud") == ([], [])
    # a custom domain may or may not be Cloud: warn, do not guess
    errors, warnings = problems(livekit_url="wss://rtc.example.org")
    assert errors == []
    assert "cannot be told" in warnings[0]
    # an explicit Inference gateway makes the strings usable anywhere
    assert problems({"LIVEKIT_INFERENCE_URL": "https://gw"}, livekit_url="ws://livekit:7880") == (
        [],
        [],
    )
    # self-hosted speech for one half only: the other half still needs Cloud
    errors, _ = problems(livekit_url="ws://livekit:7880", stt_base_url="http://speech:8000/v1")
    assert len(errors) == 1
    assert "TTS" in errors[0]
    assert "STT" not in errors[0].split(":")[0]
    assert problems(
        livekit_url="ws://livekit:7880",
        stt_base_url="http://speech:8000/v1",
        tts_base_url="http://speech:8000/v1",
    ) == ([], [])
    # nothing at all for TTS
    assert (
        "no TTS"
        in problems(tts_base_url=None, agent_tts_model="", livekit_url="wss://a.livekit.cloud")[0][
            0
        ]
    )
    # STT turn detection with a per-utterance STT answers mid-sentence: refused
    errors, _ = problems(livekit_url="wss://a.livekit.cloud", agent_turn_detection="stt")
    assert "VOICETRAIN_AGENT_TURN_DETECTION" in errors[0]
    with pytest.raises(SettingsError, match="cannot speak"):
        check_speech(load_settings(env="dev", state_dir=tmp_path, livekit_url="ws://livekit:7880",
                                   livekit_api_key="k", livekit_api_secret="s" * 32), environ={})  # fmt: skip


def test_vad_and_turn_policy_come_from_settings(tmp_path: Path) -> None:
    from livekit.agents import inference

    from agent.persona import ScriptedLLM

    settings = load_settings(
        env="dev", state_dir=tmp_path, agent_endpointing_min_delay=1.2,
        agent_vad_min_silence=0.3, agent_allow_interruptions=False,
    )  # fmt: skip
    speech = speech_from_settings(settings)
    assert isinstance(speech.vad, inference.VAD)
    assert speech.vad.min_silence_duration == 0.3
    assert speech.turn_handling["turn_detection"] == "vad"
    assert speech.turn_handling["endpointing"]["min_delay"] == 1.2
    assert speech.turn_handling["interruption"] == {"enabled": False, "mode": "vad"}
    scenario = next(s for s in load_library() if s.slug == SLUG)
    scripted = session_kwargs(speech, ScriptedLLM(scenario.persona))
    # the scripted persona's state advances per call: never asked speculatively
    assert scripted["turn_handling"]["preemptive_generation"] == {"enabled": False}
    assert session_kwargs(speech, "openai/gpt-4.1-mini")["turn_handling"][
        "preemptive_generation"
    ] == {"enabled": True}
    with pytest.raises(SettingsError, match="ENDPOINTING_MAX_DELAY"):
        load_settings(env="dev", state_dir=tmp_path, agent_endpointing_min_delay=5.0)


# --- voicetrain practice --voice -------------------------------------------------------------


def test_voice_practice_says_what_is_missing_and_mixes_configured_and_offline_speech(
    tmp_path: Path,
) -> None:
    import ctypes.util

    from livekit.plugins import openai

    from agent.offline_speech import EspeakTTS, PocketsphinxSTT
    from voicetrain.cli import _parser
    from voicetrain.voice_practice import AudioUnavailable, load_sounddevice, practice_speech

    args = _parser().parse_args(["practice", "--voice", "--scenario", SLUG])
    assert args.voice
    if ctypes.util.find_library("portaudio") is None:  # as on this CI machine
        with pytest.raises(AudioUnavailable, match="libportaudio2"):
            load_sounddevice()
    settings = load_settings(env="dev", state_dir=tmp_path, stt_base_url="http://speech:8000/v1")
    speech = practice_speech(settings)
    assert isinstance(speech.stt, openai.STT)
    assert isinstance(speech.tts, EspeakTTS)  # no TTS endpoint configured: offline
    offline = practice_speech(load_settings(env="dev", state_dir=tmp_path))
    assert isinstance(offline.stt, PocketsphinxSTT)


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
        TemporalBridge(client, session_workflow_id(ready.session_id)),
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
