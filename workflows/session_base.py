"""The state of one session workflow and the bookkeeping every step shares (persist pump,
phase, details, outcome). Orchestration only: the steps live in session.py, text_chat.py and
human_review.py."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.contracts.activities import EvaluationSummary, ScenarioSnapshot
    from core.contracts.base import Phase, ReviewStatus, SessionState
    from core.contracts.conversation import AgentBriefing, EndConversation
    from core.contracts.review import ReviewResult
    from core.contracts.workflow import SessionOutcome, SessionReady, StartSession
    from core.search_attributes import PHASE
    from workflows import calls
    from workflows.turns import TurnLedger


class SessionBase:
    def __init__(self, start: StartSession) -> None:
        self._request = start
        self._limits = start.limits
        self._phase: Phase = "starting"
        # The session's state as the workflow has decided it (the row follows via mark_phase).
        self._state: SessionState = "active"
        self._ready: SessionReady | None = None
        self._start_failure: ApplicationError | None = None
        self._scenario: ScenarioSnapshot | None = None
        self._agent_identity: str | None = None
        self._briefing: AgentBriefing | None = None
        self._turns = TurnLedger(start.limits)
        self._end: EndConversation | None = None
        self._end_reason: str | None = None
        self._evaluation: EvaluationSummary | None = None
        self._pump: asyncio.Task[None] | None = None
        self._pump_stop = False
        # text modality: the workflow holds the chat (send_message) and assigns the seqs
        self._text = start.modality == "text"
        self._next_seq = 0
        self._replying = False  # a send_message is between its trainee turn and the reply
        self._last_turn_at: datetime | None = None
        self._deadline: datetime | None = None
        self._review_required = False
        self._review_status: ReviewStatus | None = None
        self._review_due: datetime | None = None
        self._reviews: dict[UUID, ReviewResult] = {}  # by review id: a redelivery answers from here
        self._reviewing: set[UUID] = set()

    # --- the run: the design's numbered steps ------------------------------------------------

    async def _persist_pump(self) -> None:
        """One persist in flight at a time; each carries only turns not yet persisted."""
        while True:
            await workflow.wait_condition(lambda: self._turns.has_unpersisted or self._pump_stop)
            batch = self._turns.next_batch()
            if not batch:
                return
            result = await calls.persist_turns(self._request.session_id, batch)
            # quarantined: refused by Postgres for good (a data error), counted as dropped
            self._turns.persisted([turn.seq for turn in batch], quarantined=result.quarantined)
            self._details()

    async def _mark(self, phase: Phase, **kw: Any) -> None:
        await calls.mark(self._request.session_id, phase, **kw)

    async def _activity_close_room(self) -> None:
        if self._ready is not None:
            await calls.close_room(self._ready.room_name)

    def _set_phase(self, phase: Phase) -> None:
        self._phase = phase
        workflow.upsert_search_attributes([PHASE.value_set(phase)])
        self._details()

    def _details(self) -> None:
        scenario = self._scenario.title if self._scenario else "loading scenario"
        lines = [f"**{self._phase}** - {scenario}", self._turns.summary()]
        if self._text:
            lines.insert(1, "text chat" + (" (client replying)" if self._replying else ""))
        if self._end_reason:
            lines.append(f"end reason: {self._end_reason}")
        if self._evaluation:
            verdict = "passed" if self._evaluation.passed else "not passed"
            lines.append(f"evaluation: {self._evaluation.overall_score:.0f}/100, {verdict}")
        if self._review_status is not None:
            due = f", due {self._review_due:%Y-%m-%d %H:%M} UTC" if self._review_due else ""
            reviews = f", {len(self._reviews)} recorded" if self._reviews else ""
            lines.append(f"review: **{self._review_status}**{due}{reviews}")
        workflow.set_current_details("\n\n".join(lines))

    def _outcome(self) -> SessionOutcome:
        return SessionOutcome(
            session_id=self._request.session_id,
            phase=self._phase,
            end_reason=self._end_reason,
            turn_count=self._turns.received,
            evaluation=self._evaluation,
        )

    # --- updates ----------------------------------------------------------------------------
