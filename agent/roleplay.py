"""The role-play client Agent and the transcript recorder that turns every conversation item
into a Turn sent to the workflow at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from livekit.agents import Agent, AgentSession
from livekit.agents.llm import ChatMessage
from livekit.agents.voice.events import ConversationItemAddedEvent

from agent.bridge import BridgeError, SessionBridge
from core.contracts import AgentBriefing, EndConversation, EndReason, Speaker, Turn, TurnBatch

log = logging.getLogger(__name__)

_SPEAKERS: dict[str, Speaker] = {"user": "trainee", "assistant": "client"}


class RolePlayClient(Agent):
    """Plays the scenario's client. Prompts are data: they come from the workflow's briefing."""

    def __init__(self, briefing: AgentBriefing) -> None:
        super().__init__(instructions=briefing.persona_prompt)
        self.briefing = briefing
        self.greeted = asyncio.Event()

    async def on_enter(self) -> None:
        # The client opens the conversation, as a real client walking in would.
        await self.session.say(self.briefing.opening_line)
        self.greeted.set()


class TranscriptRecorder:
    """Assigns seq in conversation order and sends each turn at once, without blocking the
    conversation; a failed send is retried by the bridge's declared policy. Order is restored
    by the workflow (it dedupes and sorts by seq)."""

    def __init__(
        self, bridge: SessionBridge, *, on_turn: Callable[[Turn], None] | None = None
    ) -> None:
        self.bridge = bridge
        self.next_seq = 0
        self._pending: set[asyncio.Task[None]] = set()
        self._on_turn = on_turn
        self.failed_sends = 0

    def attach(self, session: AgentSession[Any]) -> None:
        session.on("conversation_item_added", self._on_item)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, ChatMessage) or item.role not in _SPEAKERS:
            return  # handoffs, tool calls, system items are not part of the transcript
        text = (item.text_content or "").strip()
        if not text:
            return
        ended = datetime.now(UTC)
        started = datetime.fromtimestamp(item.created_at, UTC) if item.created_at else ended
        turn = Turn(
            seq=self.next_seq,
            speaker=_SPEAKERS[item.role],
            text=text,
            started_at=min(started, ended),
            ended_at=ended,
        )
        self.next_seq += 1
        if self._on_turn is not None:
            self._on_turn(turn)
        task = asyncio.create_task(self._send(turn))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send(self, turn: Turn) -> None:
        try:
            await self.bridge.send_turns(TurnBatch(turns=[turn]))
        except BridgeError as exc:
            log.warning("turn %d refused by the session: %s", turn.seq, exc)
        except Exception:
            self.failed_sends += 1
            log.exception("turn %d could not be delivered", turn.seq)

    async def flush(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def finish(self, reason: EndReason) -> None:
        """Flush every turn, then tell the workflow how many there are."""
        await self.flush()
        try:
            await self.bridge.end_conversation(
                EndConversation(reason=reason, final_turn_count=self.next_seq)
            )
        except BridgeError as exc:
            log.info("end_conversation refused (already ended?): %s", exc)
