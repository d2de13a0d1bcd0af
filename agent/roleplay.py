"""The role-play client Agent and the transcript recorder that turns conversation items into
Turns sent to the workflow."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from livekit.agents import Agent, AgentSession
from livekit.agents.llm import ChatContext, ChatMessage
from livekit.agents.voice.events import ConversationItemAddedEvent

from agent.bridge import BridgeError, SessionBridge
from core.contracts.base import Speaker
from core.contracts.conversation import AgentBriefing, EndConversation, EndReason, Turn, TurnBatch
from persona.prompt import instructions

log = logging.getLogger(__name__)

_SPEAKERS: dict[str, Speaker] = {"user": "trainee", "assistant": "client"}


class RolePlayClient(Agent):
    """Plays the scenario's client. Prompts are data: they come from the workflow's briefing."""

    def __init__(self, briefing: AgentBriefing) -> None:
        super().__init__(instructions=instructions(briefing.persona_prompt))
        self.briefing = briefing
        self.greeted = asyncio.Event()

    async def on_enter(self) -> None:
        # The client opens the conversation, as a real client walking in would.
        await self.session.say(self.briefing.opening_line)
        self.greeted.set()


class TranscriptRecorder:
    """Assigns seq in conversation order and sends each turn without blocking the conversation; a
    failed send is retried by the bridge's declared policy, and the workflow dedupes by seq.

    One utterance, one turn. A batch STT can deliver one spoken line as two user items (a late
    transcript of the same utterance), so a trainee item is *held* rather than sent at once, and
    consecutive trainee items merge into the held turn. The held turn gets its seq and is sent
    when the client answers (the usual case, within a second of the trainee falling silent),
    when it has been held `hold_seconds` (so a crash loses at most that much), or at finish.
    Merging before sending - rather than amending a turn already sent - keeps the contract
    simple: a seq, once sent, never changes text and is never skipped or reused. The price is
    that a trainee line that continues after `hold_seconds` without a client reply becomes a
    second trainee turn, which is what the trainee did.

    Client items are sent at once: the agent's own speech is never split.
    """

    def __init__(
        self,
        bridge: SessionBridge,
        *,
        on_turn: Callable[[Turn], None] | None = None,
        hold_seconds: float = 8.0,
    ) -> None:
        self.bridge = bridge
        self.next_seq = 0
        self.failed_sends = 0
        self.merged_items = 0
        self._pending: set[asyncio.Task[None]] = set()
        self._on_turn = on_turn
        self._hold_seconds = hold_seconds
        self._held: Turn | None = None
        self._hold_timer: asyncio.TimerHandle | None = None
        self._seen: set[str] = set()

    def attach(self, session: AgentSession[Any]) -> None:
        session.on("conversation_item_added", self._on_item)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        self.record(event.item)

    def record(self, item: object) -> None:
        """One conversation item (from the event, or from the history at finish)."""
        if not isinstance(item, ChatMessage) or item.role not in _SPEAKERS:
            return  # handoffs, tool calls, system items are not part of the transcript
        if item.id in self._seen:
            return
        self._seen.add(item.id)
        text = (item.text_content or "").strip()
        if not text:
            return
        ended = datetime.now(UTC)
        started = datetime.fromtimestamp(item.created_at, UTC) if item.created_at else ended
        speaker = _SPEAKERS[item.role]
        if speaker == "trainee":
            if self._held is not None:
                self.merged_items += 1
                self._held = self._held.model_copy(
                    update={"text": f"{self._held.text} {text}", "ended_at": ended}
                )
                return
            self._held = Turn(
                seq=0, speaker=speaker, text=text, started_at=min(started, ended), ended_at=ended
            )
            self._hold_timer = asyncio.get_running_loop().call_later(
                self._hold_seconds, self._release_held
            )
            return
        self._release_held()
        self._emit(
            Turn(seq=0, speaker=speaker, text=text, started_at=min(started, ended), ended_at=ended)
        )

    def _release_held(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
        held, self._held = self._held, None
        if held is not None:
            self._emit(held)

    def _emit(self, turn: Turn) -> None:
        turn = turn.model_copy(update={"seq": self.next_seq})
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

    def reconcile(self, history: ChatContext) -> int:
        """Record every message of the session's history that never fired an event (e.g. the
        trainee left mid-speech and the transcript was committed as the session closed). Returns
        how many were found."""
        before = len(self._seen)
        for item in history.items:
            self.record(item)
        return len(self._seen) - before

    async def flush(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def finish(self, reason: EndReason, history: ChatContext | None = None) -> None:
        """Reconcile with the history, send every turn, then tell the workflow how many there
        are."""
        if history is not None and (found := self.reconcile(history)):
            log.info("%d conversation item(s) recovered from the session history", found)
        self._release_held()
        await self.flush()
        try:
            await self.bridge.end_conversation(
                EndConversation(reason=reason, final_turn_count=self.next_seq)
            )
        except BridgeError as exc:
            log.info("end_conversation refused (already ended?): %s", exc)
