"""The agent's voice pipeline without a LiveKit room: the same RolePlayClient, persona and
TranscriptRecorder, with audio coming from any `io.AudioInput` and going to any `io.AudioOutput`
(a local microphone and speaker for `voicetrain practice --voice`; synthesized speech in tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice import io

from agent.bridge import SessionBridge
from agent.roleplay import RolePlayClient, TranscriptRecorder
from agent.speech import Speech, session_kwargs
from agent.text_mode import persona_llm
from core.contracts.conversation import AgentJoined, EndReason, Turn

Conversation = Callable[[AgentSession[Any], RolePlayClient], Awaitable[EndReason]]


async def run_voice_session(
    bridge: SessionBridge,
    speech: Speech,
    audio_in: io.AudioInput,
    audio_out: io.AudioOutput,
    conversation: Conversation,
    *,
    agent_identity: str = "voicetrain-voice-agent",
    on_turn: Callable[[Turn], None] | None = None,
    model: llm.LLM[Any] | None = None,
) -> TranscriptRecorder:
    """Join the session, hold the spoken conversation until `conversation` returns its end
    reason, then close the session (committing a transcript still in flight), reconcile the
    recorder with the history and end the conversation with the final count."""
    briefing = await bridge.agent_joined(AgentJoined(agent_identity=agent_identity))
    recorder = TranscriptRecorder(bridge, on_turn=on_turn)
    session: AgentSession[Any] = AgentSession(
        **session_kwargs(speech, persona_llm(briefing, model))
    )
    recorder.attach(session)
    session.input.audio = audio_in
    session.output.audio = audio_out
    reason: EndReason = "agent_shutdown"
    try:
        client = RolePlayClient(briefing)
        await session.start(client, record=False)
        reason = await conversation(session, client)
    finally:
        await session.aclose()
        await recorder.finish(reason, session.history)
    return recorder


async def wait_greeted(client: RolePlayClient, timeout: float = 60) -> None:
    """The opening line has been spoken (turn 0)."""
    await asyncio.wait_for(client.greeted.wait(), timeout=timeout)
