"""`voicetrain practice --voice`: speak with the client through this computer's microphone and
speakers (PortAudio via sounddevice), with the agent's real voice pipeline (agent/voice_mode.py)
and no LiveKit. Speech comes from the configured OpenAI-compatible endpoints
(`VOICETRAIN_STT_BASE_URL`, `VOICETRAIN_TTS_BASE_URL`) or, where one is not set, the offline
pocketsphinx / eSpeak NG models of the `offline-voice` extra (rough, but needs nothing else)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.voice import io

from agent.bridge import SessionBridge
from agent.roleplay import RolePlayClient
from agent.speech import Speech, make_stt, make_tts, make_vad, turn_handling
from agent.voice_mode import run_voice_session, wait_greeted
from core.contracts.conversation import EndReason, Turn
from core.settings import Settings

SAMPLE_RATE = 24_000
BLOCK = SAMPLE_RATE // 50  # 20 ms


class AudioUnavailable(RuntimeError):
    """No way to reach a microphone and speakers here; the message says what is missing."""


def load_sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the Python package is there, the system library is not
        raise AudioUnavailable(
            "voice practice needs the PortAudio system library (libportaudio2), which was not "
            f"found ({exc}). Install it, e.g. `apt-get install libportaudio2` (Debian/Ubuntu), "
            "`brew install portaudio` (macOS), then run again."
        ) from None
    except ImportError:
        raise AudioUnavailable(
            "voice practice needs sounddevice: pip install 'voicetrain[offline-voice]'"
        ) from None
    try:
        sounddevice.check_input_settings(channels=1, samplerate=SAMPLE_RATE, dtype="int16")
        sounddevice.check_output_settings(channels=1, samplerate=SAMPLE_RATE, dtype="int16")
    except Exception as exc:
        raise AudioUnavailable(f"no usable microphone or speaker: {exc}") from None
    return sounddevice


class Microphone(io.AudioInput):
    def __init__(self, sd: Any) -> None:
        super().__init__(label="microphone")
        self._queue: asyncio.Queue[rtc.AudioFrame] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def callback(data: Any, frames: int, _time: Any, _status: Any) -> None:
            frame = rtc.AudioFrame(bytes(data), SAMPLE_RATE, 1, frames)
            loop.call_soon_threadsafe(self._queue.put_nowait, frame)

        self._stream = sd.RawInputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=BLOCK, callback=callback
        )
        self._stream.start()

    async def __anext__(self) -> rtc.AudioFrame:
        return await self._queue.get()

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


class Speaker(io.AudioOutput):
    """Plays the agent's speech; a segment is finished when its audio has left the buffer."""

    def __init__(self, sd: Any) -> None:
        super().__init__(
            label="speaker",
            capabilities=io.AudioOutputCapabilities(pause=False),
            sample_rate=SAMPLE_RATE,
        )
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._pushed = 0.0
        self._started_at = 0.0
        self._wait: asyncio.Task[None] | None = None
        self._stream = sd.RawOutputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=BLOCK,
            callback=self._fill,
        )  # fmt: skip
        self._stream.start()

    def _fill(self, out: Any, frames: int, _time: Any, _status: Any) -> None:
        with self._lock:
            chunk = bytes(self._buffer[: frames * 2])
            del self._buffer[: frames * 2]
        out[:] = chunk.ljust(frames * 2, b"\0")

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._pushed:
            self._started_at = time.monotonic()
            self.on_playback_started(created_at=time.time())
        self._pushed += frame.duration
        with self._lock:
            self._buffer += bytes(frame.data)

    def flush(self) -> None:
        super().flush()
        if self._pushed:
            self._wait = asyncio.create_task(self._played_out())

    async def _played_out(self) -> None:
        while True:
            with self._lock:
                if not self._buffer:
                    break
            await asyncio.sleep(0.02)
        self._done(interrupted=False)

    def clear_buffer(self) -> None:
        with self._lock:
            self._buffer.clear()
        if self._wait is not None:
            self._wait.cancel()
        if self._pushed:
            self._done(interrupted=True)

    def _done(self, *, interrupted: bool) -> None:
        played = min(time.monotonic() - self._started_at, self._pushed)
        self.on_playback_finished(
            playback_position=played if interrupted else self._pushed, interrupted=interrupted
        )
        self._pushed = 0.0

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def practice_speech(settings: Settings) -> Speech:
    """The configured endpoints where set, the offline models for the rest."""
    stt = make_stt(settings) if settings.stt_base_url else None
    tts = make_tts(settings) if settings.tts_base_url else None
    if stt is None or tts is None:
        from agent.offline_speech import EspeakTTS, OfflineSpeechUnavailable, PocketsphinxSTT

        try:
            stt = stt or PocketsphinxSTT()
            tts = tts or EspeakTTS()
        except OfflineSpeechUnavailable as exc:
            raise AudioUnavailable(
                f"{exc}, or set VOICETRAIN_STT_BASE_URL / VOICETRAIN_TTS_BASE_URL"
            ) from None
        print(
            "offline speech (pocketsphinx + eSpeak NG): recognition is rough; for real practice "
            "point VOICETRAIN_STT_BASE_URL at a Whisper-class server"
        )
    return Speech(stt=stt, tts=tts, vad=make_vad(settings), turn_handling=turn_handling(settings))


async def _until_enter(session: AgentSession[Any], client: RolePlayClient) -> EndReason:
    await wait_greeted(client)
    print("speak to the client (headphones avoid echo); press Enter to end the session")
    await asyncio.to_thread(input, "")
    return "trainee_ended"


async def talk(
    bridge: SessionBridge, speech: Speech, sd: Any, on_turn: Callable[[Turn], None]
) -> None:
    mic, speaker = Microphone(sd), Speaker(sd)
    try:
        await run_voice_session(bridge, speech, mic, speaker, _until_enter, on_turn=on_turn)
    finally:
        mic.close()
        speaker.close()


async def practice_voice(settings: Settings, scenario_slug: str) -> int:
    from voicetrain.session_runner import _print_turn, dev_stack, run_session

    try:
        sd = load_sounddevice()
        speech = practice_speech(settings)
    except AudioUnavailable as exc:
        print(exc)
        return 2

    async def converse(bridge: SessionBridge) -> None:
        await talk(bridge, speech, sd, _print_turn)

    async with dev_stack(settings, say=print) as live:
        return await run_session(live, scenario_slug, None, user="practice-trainee", talk=converse)
