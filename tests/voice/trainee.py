"""A synthetic trainee for the voice tests (not fixtures): lines spoken with eSpeak NG into the
synthetic microphone, resampled as a real microphone's audio would be, and a word accuracy that
reads back what the STT heard."""

from __future__ import annotations

import asyncio
import difflib
import time
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import AgentSession

from agent.offline_speech import espeak_synthesize, to_mono_16k, words_of
from agent.roleplay import RolePlayClient
from agent.voice_mode import wait_greeted
from core.contracts.conversation import EndReason
from core.scenarios.library import load_library
from tests.voice.loopback import SyntheticMicrophone

SLUG = "drinking-ambivalence-mi"
LINES = next(s for s in load_library() if s.slug == SLUG).demo.trainee_lines[:4]
MIC_RATE = 16_000


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
