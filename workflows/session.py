"""TrainingSession: one practice attempt, from start to evaluation. Orchestration only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.contracts.conversation import AgentBriefing, AgentJoined, EndConversation, TurnBatch
    from core.contracts.workflow import (
        AbandonReason,
        ScenarioSummary,
        SessionOutcome,
        SessionReady,
        SessionStatus,
        StartSession,
    )
    from core.search_attributes import SCENARIO, USER_ID
    from core.status import (
        CONVERSATION_OVER_PHASES,
        TERMINAL_PHASES,
        evaluation_status,
    )
    from workflows import calls, interface

from workflows.human_review import HumanReview
from workflows.text_chat import TextChat

# Marks the run as one whose completed session row is written by mark_phase (earlier runs had
# evaluate_session write it): histories recorded before it still replay.
MARK_COMPLETED_PATCH = "mark-completed-by-mark-phase"
# Marks the run as one that waits for a supervisor's review when its evaluation calls for one:
# histories recorded before it (which completed at once) still replay.
HUMAN_REVIEW_PATCH = "human-review"


@workflow.defn(name=interface.WORKFLOW_TYPE)
class TrainingSessionWorkflow(TextChat, HumanReview):
    @workflow.init
    def __init__(self, start: StartSession) -> None:
        super().__init__(start)

    @workflow.run
    async def run(self, start: StartSession) -> SessionOutcome:
        try:
            await self._start()
            if self._text:
                await self._converse_text()
            else:
                if not await self._await_agent():
                    return await self._abandon("agent_unavailable")
                await self._converse()
            await self._finalize()
            if self._turns.trainee_turns < self._limits.min_trainee_turns:
                return await self._abandon("no_conversation", already_ended=True)
            return await self._evaluate()
        except asyncio.CancelledError:
            # Compensation: the session is abandoned and its room closed, even when cancelled.
            self._end_reason = self._end_reason or "cancelled"
            self._turns.close()
            if self._ready is not None:
                await asyncio.gather(
                    self._activity_close_room(),
                    self._mark("abandoned", status="abandoned", ended=True, end_reason="cancelled"),
                )
            self._set_phase("abandoned")
            self._state = "abandoned"
            raise

    async def _start(self) -> None:
        """1. Start: create the row and load the scenario concurrently, then dispatch the agent."""
        start = self._request
        self._set_phase("starting")
        try:
            created, scenario = await calls.create_and_load(start)
        except (ActivityError, ApplicationError) as err:
            self._start_failure = calls.start_failure(err)
            self._set_phase("failed")
            self._state = "failed"
            await workflow.wait_condition(workflow.all_handlers_finished)
            raise self._start_failure from err

        self._scenario = scenario
        self._review_required = created.review_required
        self._ready = SessionReady(
            session_id=start.session_id,
            workflow_id=workflow.info().workflow_id,
            attempt=created.attempt,
            room_name=created.room_name,
            scenario=ScenarioSummary(
                id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
            ),
            modality=start.modality,
            opening_line=scenario.opening_line if self._text else None,
            request_hash=start.request_hash,
        )
        workflow.upsert_search_attributes(
            [SCENARIO.value_set(scenario.slug), USER_ID.value_set(start.user_id)]
        )
        if self._text:
            await self._open_text_conversation()
            return
        self._set_phase("waiting_for_agent")
        if not calls.db_writes_are_local():
            await asyncio.gather(
                calls.dispatch_agent(start.session_id, created.room_name),
                self._mark("waiting_for_agent"),
            )
            return
        # The agent is asked for first: a local activity here would hold this workflow task, and
        # with it the answer to await_ready. The row says waiting_for_agent once it has been
        # asked for (in the task that takes the dispatch's result: no extra task).
        await calls.dispatch_agent(start.session_id, created.room_name)
        await self._mark("waiting_for_agent")

    async def _await_agent(self) -> bool:
        """2. The agent joins (or the conversation is ended first); False when neither in time."""
        return await calls.wait_until(
            lambda: self._agent_identity is not None or self._end is not None,
            self._limits.agent_join_timeout_seconds,
            "agent join timeout",
        )

    async def _converse(self) -> None:
        """3-4. Turns arrive and are persisted in batches until the end, max_turns or the deadline."""
        if self._agent_identity is None or self._end is not None:
            if self._end is not None:
                self._end_reason = self._end.reason
            return
        self._set_phase("in_conversation")
        self._pump = asyncio.create_task(self._persist_pump())
        await self._mark("in_conversation", started=True)
        remaining = (
            (self._briefing.deadline - workflow.now()).total_seconds() if self._briefing else 0
        )
        ended = await calls.wait_until(
            lambda: self._end is not None or self._turns.received >= self._limits.max_turns,
            max(remaining, 0.001),
            "max duration",
        )
        if self._end is not None:
            self._end_reason = self._end.reason
            wanted = self._end.final_turn_count
            if wanted:
                await calls.wait_until(
                    lambda: self._turns.received >= min(wanted, self._limits.max_turns),
                    self._limits.final_turn_wait_seconds,
                    "wait for final turns",
                )
        else:
            self._end_reason = "max_turns" if ended else "time_limit"

    async def _finalize(self) -> None:
        """5. No more turns; flush what is buffered, close the room, mark the end."""
        self._turns.close()
        self._set_phase("finalizing")
        pump = self._pump or asyncio.create_task(self._persist_pump())
        self._pump_stop = True
        await pump
        await asyncio.gather(
            self._activity_close_room(),
            self._mark(
                "finalizing",
                ended=True,
                end_reason=self._end_reason,
                turn_count=self._turns.received,
            ),
        )

    async def _evaluate(self) -> SessionOutcome:
        """6. Evaluate the stored transcript, then mark the session completed."""
        self._set_phase("evaluating")
        self._evaluation = await calls.evaluate(
            self._request.session_id, self._limits.judge_max_attempts
        )
        self._state = "completed"
        reviewed = self._review_wanted() and workflow.patched(HUMAN_REVIEW_PATCH)
        if reviewed:
            await self._await_review()
        self._set_phase("completed")
        if workflow.patched(MARK_COMPLETED_PATCH):
            await self._mark("completed", status="completed", turn_count=self._turns.received)
        if reviewed:
            await self._accept_revisions()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._outcome()

    async def _abandon(
        self, reason: AbandonReason, *, already_ended: bool = False
    ) -> SessionOutcome:
        self._end_reason = reason
        self._turns.close()
        self._state = "abandoned"
        mark = self._mark(
            "abandoned",
            status="abandoned",
            ended=True,
            end_reason=reason,
            turn_count=self._turns.received,
        )
        if already_ended:
            await mark
        else:  # independent: the room closes while the row is marked
            await asyncio.gather(self._activity_close_room(), mark)
        self._set_phase("abandoned")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._outcome()

    @workflow.update(name=interface.AWAIT_READY.name)
    async def await_ready(self) -> SessionReady:
        await workflow.wait_condition(
            lambda: self._ready is not None or self._start_failure is not None
        )
        if self._start_failure is not None:
            raise self._start_failure
        assert self._ready is not None
        return self._ready

    @workflow.update(name=interface.AGENT_JOINED.name)
    async def agent_joined(self, joined: AgentJoined) -> AgentBriefing:
        await workflow.wait_condition(
            lambda: (
                self._ready is not None
                or self._start_failure is not None
                or self._phase in TERMINAL_PHASES
            )
        )
        if (
            self._ready is None
            or self._scenario is None
            or self._end is not None
            or not self._turns.accepting
        ):
            raise ApplicationError(
                "this session is no longer waiting for an agent", type="SessionEnded"
            )
        if self._agent_identity not in (None, joined.agent_identity):
            raise ApplicationError(
                "another agent already joined this session", type="AgentConflict"
            )
        if self._briefing is None:
            self._agent_identity = joined.agent_identity
            self._briefing = AgentBriefing(
                session_id=self._request.session_id,
                scenario_title=self._scenario.title,
                persona_prompt=self._scenario.persona_prompt,
                opening_line=self._scenario.opening_line,
                deadline=workflow.now() + timedelta(seconds=self._limits.max_duration_seconds),
                max_turns=self._limits.max_turns,
                offline_script=self._scenario.offline_script,
            )
        return self._briefing

    @agent_joined.validator
    def _validate_agent_joined(self, joined: AgentJoined) -> None:
        if self._end is not None or self._phase in CONVERSATION_OVER_PHASES:
            raise ValueError(f"the session has ended (phase {self._phase})")
        if self._agent_identity is not None and joined.agent_identity != self._agent_identity:
            raise ValueError("another agent already joined this session")

    @workflow.signal(name=interface.ADD_TURNS.name)
    def add_turns(self, batch: TurnBatch) -> None:
        # turns the contract refused on decode (malformed), then the ledger's own refusals
        for dropped in [*self._turns.refused(batch.rejected), *self._turns.add(batch.turns)]:
            workflow.logger.warning(
                "dropped turn seq=%s in phase %s: %s", dropped.seq, self._phase, dropped.reason
            )

    @workflow.signal(name=interface.END_CONVERSATION.name)
    def end_conversation(self, end: EndConversation) -> None:
        if self._end is not None or not self._turns.accepting:
            return  # a second end, or one after finalizing, is a no-op
        self._end = end

    # --- queries ----------------------------------------------------------------------------

    @workflow.query(name=interface.STATUS.name)
    def status(self) -> SessionStatus:
        return SessionStatus(
            session_id=self._request.session_id,
            phase=self._phase,
            turn_count=self._turns.received,
            persisted_turn_count=self._turns.persisted_count,
            dropped_turns=self._turns.dropped_count,
            end_reason=self._end_reason,
            evaluation_status=evaluation_status(
                self._state, evaluated=self._evaluation is not None
            ),
            modality=self._request.modality,
            review_status=self._review_status,
            review_due_at=self._review_due,
        )
