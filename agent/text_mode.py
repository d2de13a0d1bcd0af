"""The same agent code in text mode (AgentSession without a room): used by `practice`, `demo`
and tests. Trainee lines come from a callable (the terminal, or a scenario's demo lines)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import AgentSession, llm

from agent.bridge import SessionBridge
from agent.persona import ScriptedLLM
from agent.roleplay import RolePlayClient, TranscriptRecorder
from core.contracts.conversation import AgentBriefing, AgentJoined, EndReason, Turn
from persona.engine import offline_engine


def persona_llm(briefing: AgentBriefing, configured: llm.LLM[Any] | None = None) -> llm.LLM[Any]:
    if configured is not None:
        return configured
    # the scenario's offline client: its format-2 persona, or a legacy script
    return ScriptedLLM(offline_engine(briefing.offline_script))


async def run_text_session(
    bridge: SessionBridge,
    next_line: Callable[[], Awaitable[str | None]],
    *,
    agent_identity: str = "voicetrain-text-agent",
    on_turn: Callable[[Turn], None] | None = None,
    model: llm.LLM[Any] | None = None,
    end_reason: EndReason = "trainee_ended",
) -> TranscriptRecorder:
    briefing = await bridge.agent_joined(AgentJoined(agent_identity=agent_identity))
    recorder = TranscriptRecorder(bridge, on_turn=on_turn)
    session: AgentSession[Any] = AgentSession(llm=persona_llm(briefing, model))
    recorder.attach(session)
    try:
        async with session:
            client = RolePlayClient(briefing)
            await session.start(client)
            await asyncio.wait_for(client.greeted.wait(), timeout=30)  # the opening line is turn 0
            while recorder.next_seq < briefing.max_turns - 1:
                line = await next_line()
                if line is None:
                    break
                if line.strip():
                    await session.run(user_input=line)
    finally:
        await recorder.finish(end_reason, session.history)
    return recorder
