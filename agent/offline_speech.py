"""Offline speech for development and tests: pocketsphinx STT and eSpeak NG TTS as real
livekit-agents `stt.STT` / `tts.TTS` implementations, so the whole voice pipeline runs with no
network and no model download (both ship inside their pip wheels).

Quality is enough to prove the pipeline, not to practise with: pocketsphinx with a language model
built from the expected sentences gets ~80-90 % of eSpeak's words right, with its general
vocabulary far fewer. Real offline practice wants a Whisper-class server behind the
OpenAI-compatible STT settings.

Both packages are optional (the `offline-voice` and `dev` extras). eSpeak NG is GPL-3.0: it is
loaded at run time through ctypes from the `espeakng-loader` wheel and is never installed in the
runtime image.
"""

from __future__ import annotations

import asyncio
import ctypes
import re
import tempfile
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import APIConnectOptions, stt, tts
from livekit.agents.language import LanguageCode
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr
from livekit.agents.utils import AudioBuffer

STT_SAMPLE_RATE = 16_000
_WORD = re.compile(r"[a-z']+")


class OfflineSpeechUnavailable(RuntimeError):
    """An optional offline-speech package is missing."""


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation: how the recognizer and the accuracy check see text."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


# --- STT: pocketsphinx --------------------------------------------------------------------------


class PocketsphinxSTT(stt.STT[Any]):
    """Non-streaming STT: the session wraps it in `stt.StreamAdapter` with its VAD, which cuts the
    audio into utterances and calls `recognize` once per utterance."""

    def __init__(self, *, sentences: Iterable[str] | None = None) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        try:
            import pocketsphinx
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise OfflineSpeechUnavailable(
                "offline STT needs pocketsphinx: pip install 'voicetrain[offline-voice]'"
            ) from exc
        self._lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="voicetrain-lm-")
        config: dict[str, Any] = {"loglevel": "FATAL", "samprate": STT_SAMPLE_RATE}
        corpus = [" ".join(words_of(s)) for s in sentences or []]
        if any(corpus):
            config["lm"] = str(self._build_lm([c for c in corpus if c]))
        self._decoder = pocketsphinx.Decoder(**config)

    def _build_lm(self, corpus: list[str]) -> Path:
        # A small trigram model over exactly the sentences expected (pocketsphinx.lm), so a
        # small acoustic model can still recognise synthetic speech reliably.
        from pocketsphinx.lm import ArpaBoLM

        # (the sentences are normalised by words_of already: its norm option would strip <s>)
        text = "".join(f"<s> {sentence} </s>\n" for sentence in corpus)
        model = ArpaBoLM(text=text, case="lower")
        model.compute()
        path = Path(self._tmp.name) / "sentences.lm"
        with path.open("w") as out:
            model.write(out)
        return path

    @property
    def model(self) -> str:
        return "pocketsphinx-en-us"

    @property
    def provider(self) -> str:
        return "pocketsphinx"

    def _decode(self, pcm: bytes) -> str:
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(pcm, full_utt=True)
            self._decoder.end_utt()
            hyp = self._decoder.hyp()
        return str(hyp.hypstr) if hyp is not None else ""

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer)
        pcm = to_mono_16k(frame)
        text = await asyncio.to_thread(self._decode, pcm)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=uuid.uuid4().hex,
            alternatives=[
                stt.SpeechData(
                    language=LanguageCode("en"), text=text, confidence=1.0 if text else 0.0
                )
            ],
        )

    async def aclose(self) -> None:
        self._tmp.cleanup()


def to_mono_16k(frame: rtc.AudioFrame) -> bytes:
    samples = np.frombuffer(frame.data, dtype=np.int16)
    if frame.num_channels > 1:
        samples = samples.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
    if frame.sample_rate == STT_SAMPLE_RATE:
        return samples.tobytes()
    resampler = rtc.AudioResampler(input_rate=frame.sample_rate, output_rate=STT_SAMPLE_RATE)
    mono = rtc.AudioFrame(samples.tobytes(), frame.sample_rate, 1, len(samples))
    out = [*resampler.push(mono), *resampler.flush()]
    return b"".join(bytes(f.data) for f in out)


# --- TTS: eSpeak NG through ctypes -------------------------------------------------------------

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Espeak:
    """libespeak-ng is one process-wide synthesizer: initialised once, used under a lock."""

    _instance: _Espeak | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise OfflineSpeechUnavailable(
                "offline TTS needs espeakng-loader: pip install 'voicetrain[offline-voice]'"
            ) from exc
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
        ]  # fmt: skip
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = int(self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0))
        if self.sample_rate <= 0:
            raise OfflineSpeechUnavailable("libespeak-ng could not be initialised")
        self._chunks: list[bytes] = []
        # kept referenced for as long as the library may call it
        self._callback = _SynthCallback(self._on_audio)
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()

    @classmethod
    def get(cls) -> _Espeak:
        with cls._guard:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_audio(self, wav: Any, samples: int, _events: Any) -> int:
        if samples > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, samples * 2))
        return 0  # continue synthesis

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        """16-bit mono PCM at `sample_rate`. Deterministic for the same text, voice and rate."""
        with self.lock:
            self._chunks = []
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"unknown eSpeak voice {voice!r}")
            self.lib.espeak_SetParameter(_ESPEAK_RATE, rate, 0)
            raw = text.encode() + b"\0"
            err = self.lib.espeak_Synth(
                raw, len(raw), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            if err != 0:
                raise RuntimeError(f"espeak_Synth failed with {err}")
            return b"".join(self._chunks)


def espeak_synthesize(text: str, *, voice: str = "en-us", rate: int = 160) -> tuple[bytes, int]:
    """Speech for `text` as (16-bit mono PCM, sample rate): the test's trainee voice, too."""
    engine = _Espeak.get()
    return engine.synthesize(text, voice=voice, rate=rate), engine.sample_rate


class EspeakTTS(tts.TTS[Any]):
    """Non-streaming TTS (the session wraps it in `tts.StreamAdapter`, which splits sentences)."""

    def __init__(self, *, voice: str = "en-us", rate: int = 160) -> None:
        engine = _Espeak.get()
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=engine.sample_rate,
            num_channels=1,
        )
        self._voice = voice
        self._rate = rate

    @property
    def model(self) -> str:
        return f"espeak-ng/{self._voice}"

    @property
    def provider(self) -> str:
        return "espeak-ng"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)


class _EspeakStream(tts.ChunkedStream):
    def __init__(self, *, tts: EspeakTTS, input_text: str, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._owner = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        pcm, rate = await asyncio.to_thread(
            espeak_synthesize, self.input_text, voice=self._owner._voice, rate=self._owner._rate
        )
        output_emitter.initialize(
            request_id=uuid.uuid4().hex, sample_rate=rate, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push(pcm)
        output_emitter.flush()
