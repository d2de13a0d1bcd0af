"""Speech services: self-hosted OpenAI-compatible endpoints (through livekit-plugins-openai)
carrying a spoken session, speech and turn settings that fail fast or warn, and the speech
`voicetrain practice --voice` picks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from agent.bridge import TemporalBridge
from agent.speech import check_speech, session_kwargs, speech_from_settings, speech_problems
from agent.voice_mode import run_voice_session
from core.db.engine import SessionMaker
from core.scenarios.library import load_library
from core.settings import SettingsError, load_settings
from tests.fake_speech_server import fake_speech
from tests.helpers import begin, db_turns
from tests.voice.loopback import RecordingSpeaker, SyntheticMicrophone
from tests.voice.trainee import LINES, MIC_RATE, SLUG, Trainee, word_accuracy
from workflows.interface import workflow_id


async def test_self_hosted_speech_endpoints_carry_a_spoken_session(
    client: Client, sessionmaker: SessionMaker, task_queue: str, worker: Worker, tmp_path: Path
) -> None:
    from livekit.plugins import openai

    lines = LINES[:2]
    async with fake_speech(lines) as server:
        settings = load_settings(
            env="dev",
            state_dir=tmp_path,
            stt_base_url=server.url,
            tts_base_url=server.url,
            stt_model="Systran/faster-whisper-small",
            tts_model="kokoro",
            tts_voice="af_heart",
            livekit_url="ws://livekit:7880",
            livekit_api_key="k",
            livekit_api_secret="s" * 32,
        )
        assert speech_problems(settings, environ={}) == ([], [])
        speech = speech_from_settings(settings)
        assert isinstance(speech.stt, openai.STT)
        assert isinstance(speech.tts, openai.TTS)
        handle, ready = await begin(sessionmaker, client, task_queue, SLUG)
        mic, speaker = SyntheticMicrophone(MIC_RATE), RecordingSpeaker()
        await run_voice_session(
            TemporalBridge(client, workflow_id(ready.session_id)),
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
        check_speech(
            load_settings(
                env="dev",
                state_dir=tmp_path,
                livekit_url="ws://livekit:7880",
                livekit_api_key="k",
                livekit_api_secret="s" * 32,
            ),
            environ={},
        )


def test_vad_and_turn_policy_come_from_settings(tmp_path: Path) -> None:
    from livekit.agents import inference

    from agent.persona import ScriptedLLM

    settings = load_settings(
        env="dev",
        state_dir=tmp_path,
        agent_endpointing_min_delay=1.2,
        agent_vad_min_silence=0.3,
        agent_allow_interruptions=False,
    )
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
