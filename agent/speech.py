"""The voice pipeline's speech models and turn policy, from settings.

Three ways to get STT and TTS (README, "Voice setups"):
- LiveKit Inference model strings (`VOICETRAIN_AGENT_STT_MODEL`, `..._TTS_MODEL`): LiveKit Cloud only.
- OpenAI-compatible endpoints (`VOICETRAIN_STT_BASE_URL`, `VOICETRAIN_TTS_BASE_URL`): self-hosted
  speech (e.g. speaches: faster-whisper + Kokoro), through livekit-plugins-openai.
- offline pocketsphinx + eSpeak NG (agent/offline_speech.py): development and tests only.

The VAD is always the local Silero model of livekit-local-inference (`inference.VAD()`, no
download). Every STT here is batch (one request per utterance the VAD cut), so the turn ends on
VAD silence plus an endpointing delay; `turn_detection="stt"` would answer mid-sentence with a
batch STT and is refused.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from livekit.agents import inference, llm, stt, tts, vad
from livekit.agents.voice.turn import TurnHandlingOptions

from core.settings import Settings, SettingsError

log = logging.getLogger(__name__)

_CLOUD_SUFFIX = ".livekit.cloud"
_INFERENCE_ENV = ("LIVEKIT_INFERENCE_URL", "LIVEKIT_INFERENCE_API_KEY")


@dataclass(frozen=True)
class Speech:
    """What an AgentSession needs besides the LLM to hold a spoken conversation."""

    stt: stt.STT[Any] | str
    tts: tts.TTS[Any] | str
    vad: vad.VAD
    turn_handling: TurnHandlingOptions


def _is_self_hosted(host: str) -> bool:
    """Hosts that can certainly not be LiveKit Cloud: loopback, private addresses, names
    without a dot (a compose service) and .local/.internal names."""
    if host in {"localhost", ""} or "." not in host:
        return True
    if host.endswith((".local", ".internal", ".localhost", ".lan")):
        return True
    parts = host.split(".")
    if len(parts) == 4 and all(p.isdigit() for p in parts):
        a, b = int(parts[0]), int(parts[1])
        return a in (10, 127) or (a == 192 and b == 168) or (a == 172 and 16 <= b <= 31)
    return False


def speech_problems(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) about whether this configuration can produce STT and TTS."""
    environ = os.environ if environ is None else environ
    errors: list[str] = []
    warnings: list[str] = []
    inference_for = [
        name
        for name, base_url, model in (
            ("STT", settings.stt_base_url, settings.agent_stt_model),
            ("TTS", settings.tts_base_url, settings.agent_tts_model),
        )
        if not base_url and model
    ]
    missing = [
        name
        for name, base_url, model in (
            ("STT", settings.stt_base_url, settings.agent_stt_model),
            ("TTS", settings.tts_base_url, settings.agent_tts_model),
        )
        if not base_url and not model
    ]
    for name in missing:
        errors.append(
            f"no {name}: set VOICETRAIN_{name}_BASE_URL (an OpenAI-compatible speech server) "
            f"or VOICETRAIN_AGENT_{name}_MODEL (a LiveKit Inference model, LiveKit Cloud only)"
        )
    if inference_for and not any(environ.get(k) for k in _INFERENCE_ENV):
        which = " and ".join(inference_for)
        host = (urlparse(settings.livekit_url or "").hostname or "").lower()
        advice = (
            f"LiveKit Inference model strings ({which}: "
            f"{', '.join(m for m in (settings.agent_stt_model, settings.agent_tts_model) if m)}) "
            "are served only by LiveKit Cloud"
        )
        fix = (
            "set VOICETRAIN_STT_BASE_URL / VOICETRAIN_TTS_BASE_URL to a self-hosted "
            "OpenAI-compatible speech server (docker-compose.yml runs one)"
        )
        if not settings.livekit_url:
            errors.append(f"{advice}, and LIVEKIT_URL is not set: {fix}")
        elif _is_self_hosted(host):
            errors.append(
                f"{advice}, but LIVEKIT_URL={settings.livekit_url} is a self-hosted LiveKit "
                f"server, so the agent could join rooms but neither hear nor speak: {fix}"
            )
        elif not host.endswith(_CLOUD_SUFFIX):
            warnings.append(
                f"{advice}; LIVEKIT_URL={settings.livekit_url} is not a *{_CLOUD_SUFFIX} "
                f"address, so whether it is LiveKit Cloud cannot be told from here. If it is "
                f"self-hosted, {fix}"
            )
    if settings.agent_turn_detection == "stt":
        errors.append(
            "VOICETRAIN_AGENT_TURN_DETECTION=stt needs a streaming STT with end-of-utterance "
            "events; the configured STT is transcribed per VAD segment, where STT turn "
            "detection answers mid-sentence. Use vad."
        )
    return errors, warnings


def check_speech(settings: Settings, environ: Mapping[str, str] | None = None) -> None:
    """Fail fast at agent start when no STT/TTS can come of this configuration; warn when that
    cannot be known."""
    errors, warnings = speech_problems(settings, environ)
    for warning in warnings:
        log.warning("%s", warning)
    if errors:
        raise SettingsError("the voice agent cannot speak:\n  - " + "\n  - ".join(errors))


def turn_handling(settings: Settings) -> TurnHandlingOptions:
    return {
        "turn_detection": settings.agent_turn_detection,
        "endpointing": {
            "mode": "fixed",
            "min_delay": settings.agent_endpointing_min_delay,
            "max_delay": settings.agent_endpointing_max_delay,
        },
        # VAD-based interruption: the adaptive detector is a LiveKit Cloud service
        "interruption": {"enabled": settings.agent_allow_interruptions, "mode": "vad"},
    }


def make_vad(settings: Settings) -> vad.VAD:
    return inference.VAD(
        min_silence_duration=settings.agent_vad_min_silence,
        activation_threshold=settings.agent_vad_activation_threshold,
    )


def _key(secret: Any) -> str:
    # OpenAI-compatible self-hosted servers usually ignore the key, but the client insists on one
    return secret.get_secret_value() if secret is not None else "not-needed"


def make_stt(settings: Settings) -> stt.STT[Any] | str:
    if settings.stt_base_url:
        from livekit.plugins import openai

        return openai.STT(
            base_url=settings.stt_base_url,
            model=settings.stt_model,
            language=settings.stt_language,
            api_key=_key(settings.stt_api_key),
            use_realtime=False,  # batch transcription per VAD segment
        )
    return settings.agent_stt_model


def make_tts(settings: Settings) -> tts.TTS[Any] | str:
    if settings.tts_base_url:
        from livekit.plugins import openai

        return openai.TTS(
            base_url=settings.tts_base_url,
            model=settings.tts_model,
            voice=settings.tts_voice,
            api_key=_key(settings.tts_api_key),
            # the plugin assumes 24 kHz raw PCM unless told; WAV carries its own format
            response_format="wav",
        )
    return settings.agent_tts_model


def speech_from_settings(settings: Settings) -> Speech:
    return Speech(
        stt=make_stt(settings),
        tts=make_tts(settings),
        vad=make_vad(settings),
        turn_handling=turn_handling(settings),
    )


def offline_speech(settings: Settings, *, sentences: list[str] | None = None) -> Speech:
    """pocketsphinx + eSpeak NG (dev extras): a talking agent with no network, for tests and
    `voicetrain practice --voice` without a speech server."""
    from agent.offline_speech import EspeakTTS, PocketsphinxSTT

    return Speech(
        stt=PocketsphinxSTT(sentences=sentences),
        tts=EspeakTTS(),
        vad=make_vad(settings),
        turn_handling=turn_handling(settings),
    )


def session_kwargs(speech: Speech, model: llm.LLM[Any] | str) -> dict[str, Any]:
    """AgentSession arguments for a voice session. The scripted persona answers whole turns, so it
    is not asked speculatively (preemptive generation) on a transcript still being spoken."""
    from agent.persona import ScriptedLLM

    handling = TurnHandlingOptions(
        **speech.turn_handling,
        preemptive_generation={"enabled": not isinstance(model, ScriptedLLM)},
    )
    return {
        "stt": speech.stt,
        "tts": speech.tts,
        "vad": speech.vad,
        "llm": model,
        "turn_handling": handling,
    }
