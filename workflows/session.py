"""TrainingSession: one practice attempt, from start to evaluation. Orchestration only."""

from __future__ import annotations

import asyncio
import functools
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.contracts import (
        AbandonReason,
        AgentBriefing,
        AgentJoined,
        ClientReply,
        EndConversation,
        EvaluationSummary,
        Phase,
        Review,
        ReviewResult,
        ReviewStatus,
        ScenarioSnapshot,
        ScenarioSummary,
        SessionOutcome,
        SessionReady,
        SessionState,
        SessionStatus,
        Speaker,
        StartSession,
        TraineeMessage,
        Turn,
        TurnBatch,
    )
    from core.search_attributes import PHASE, REVIEW, SCENARIO, USER_ID
    from core.status import (
        CONVERSATION_OVER_PHASES,
        REVIEW_PHASES,
        TERMINAL_PHASES,
        evaluation_status,
    )
    from workflows import calls
    from workflows.turns import TurnLedger

WORKFLOW_TYPE = "TrainingSession"
# Marks the run as one whose completed session row is written by mark_phase (earlier runs had
# evaluate_session write it): histories recorded before it still replay.
MARK_COMPLETED_PATCH = "mark-completed-by-mark-phase"
# Marks the run as one that waits for a supervisor's review when its evaluation calls for one:
# histories recorded before it (which completed at once) still replay.
HUMAN_REVIEW_PATCH = "human-review"


@workflow.defn(name=WORKFLOW_TYPE)
class TrainingSessionWorkflow:
    @workflow.init
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
        )
        workflow.upsert_search_attributes(
            [SCENARIO.value_set(scenario.slug), USER_ID.value_set(start.user_id)]
        )
        if self._text:
            await self._open_text_conversation()
            return
        self._set_phase("waiting_for_agent")
        await asyncio.gather(
            calls.dispatch_agent(start.session_id, created.room_name),
            self._mark("waiting_for_agent"),
        )

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

    async def _open_text_conversation(self) -> None:
        """1 (text): no agent to dispatch or wait for; the conversation starts at once with the
        client's opening line as turn 0 (it is also in the start response)."""
        assert self._scenario is not None
        self._set_phase("in_conversation")
        self._deadline = workflow.now() + timedelta(seconds=self._limits.max_duration_seconds)
        self._record_text_turn("client", self._scenario.opening_line)
        self._pump = asyncio.create_task(self._persist_pump())
        await self._mark("in_conversation", started=True)

    async def _converse_text(self) -> None:
        """3-4 (text): send_message updates hold the chat until the end, max_turns, the deadline
        (time_limit) or nobody writing for text_idle_timeout_seconds (idle_timeout)."""
        assert self._deadline is not None
        assert self._last_turn_at is not None
        idle = timedelta(seconds=self._limits.text_idle_timeout_seconds)
        while self._end is None and not self._no_room_for_an_exchange():
            now = workflow.now()
            idle_at = self._last_turn_at + idle
            if now >= self._deadline:
                self._end_reason = "time_limit"
                break
            if now >= idle_at and not self._replying:
                self._end_reason = "idle_timeout"
                break
            # One timer for what can end the conversation, not restarted by every message (the
            # history stays small): when it fires while the chat is in use, the loop sets the next.
            # A reply that outlasts the idle time is waited for before idling counts again.
            stalled = now >= idle_at
            wake = self._deadline if stalled else min(self._deadline, idle_at)
            await calls.wait_until(
                functools.partial(self._text_conversation_changed, stalled),
                max((wake - now).total_seconds(), 0.001),
                "idle timeout or max duration",
            )
        if self._end is not None:
            self._end_reason = self._end.reason
        elif self._end_reason is None:
            self._end_reason = "max_turns"
        if self._replying:  # the reply being generated still reaches the trainee and the transcript
            await calls.wait_until(
                lambda: not self._replying,
                self._limits.final_turn_wait_seconds,
                "wait for the reply in progress",
            )

    def _text_conversation_changed(self, stalled: bool) -> bool:
        return (
            self._end is not None
            or self._no_room_for_an_exchange()
            or (stalled and not self._replying)
        )

    def _no_room_for_an_exchange(self) -> bool:
        return not self._replying and self._next_seq + 2 > self._limits.max_turns

    def _record_text_turn(self, speaker: Speaker, text: str) -> Turn | None:
        """A turn of the text chat through the same ledger (dedupe, bounds, persist buffer) as the
        agent's turns; None when the ledger refuses it (the conversation was finalized)."""
        now = workflow.now()
        turn = Turn(seq=self._next_seq, speaker=speaker, text=text, started_at=now, ended_at=now)
        if self._turns.add([turn]):
            return None
        self._next_seq += 1
        self._last_turn_at = now
        self._details()
        return turn

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

    def _review_wanted(self) -> bool:
        """Assessed sessions only (practice is private to the trainee): when the assignment
        requires a review or the evaluation asks for a human."""
        if self._request.assignment_id is None or self._evaluation is None:
            return False
        return self._review_required or self._evaluation.needs_review

    async def _await_review(self) -> None:
        """7. Review: wait durably (days if need be) for a supervisor; nothing is auto-approved.
        Past the review deadline the review is marked overdue, and still awaited."""
        session_id = self._request.session_id
        hours = self._limits.review_deadline_hours
        self._review_due = workflow.now() + timedelta(hours=hours)
        self._set_review("pending")
        self._set_phase("awaiting_review")
        # the review state first: a row in awaiting_review is always in the review queue
        await calls.mark_review(session_id, "pending", self._review_due)
        await self._mark("awaiting_review", status="completed", turn_count=self._turns.received)
        if not await calls.wait_until(lambda: bool(self._reviews), hours * 3600, "review deadline"):
            self._set_review("overdue")
            await calls.mark_review(session_id, "overdue")
            await workflow.wait_condition(lambda: bool(self._reviews))
        self._set_review("done")

    async def _accept_revisions(self) -> None:
        """A reviewed session takes further reviews (new revisions) for a while, then closes."""
        hours = self._limits.review_revision_window_hours
        if hours > 0:
            await calls.wait_until(lambda: False, hours * 3600, "review revision window")

    def _set_review(self, status: ReviewStatus) -> None:
        self._review_status = status
        workflow.upsert_search_attributes([REVIEW.value_set(status)])
        self._details()

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

    @workflow.update
    async def await_ready(self) -> SessionReady:
        await workflow.wait_condition(
            lambda: self._ready is not None or self._start_failure is not None
        )
        if self._start_failure is not None:
            raise self._start_failure
        assert self._ready is not None
        return self._ready

    @workflow.update
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

    @workflow.update
    async def send_message(self, message: TraineeMessage) -> ClientReply:
        """Text: record the trainee turn, have the persona reply (an activity), record the client
        turn; both are persisted before the reply returns, so the transcript shows them."""
        # Claimed before the first await: the validator of a concurrent message sees it.
        self._replying = True
        try:
            trainee = self._record_text_turn("trainee", message.text)
            if trainee is None:
                raise _session_ended(self._phase)
            # the activity reads the conversation from Postgres, this turn included
            await workflow.wait_condition(lambda: self._turns.settled(trainee.seq))
            try:
                reply = await calls.client_reply(self._request.session_id, trainee.seq)
            except ActivityError as err:
                raise ApplicationError(
                    "the client could not reply; write again", type="PersonaUnavailable"
                ) from err
            client = self._record_text_turn("client", reply.text)
            if client is None:
                raise _session_ended(self._phase)
            await workflow.wait_condition(lambda: self._turns.settled(client.seq))
            return ClientReply(trainee_turn=trainee, client_turn=client)
        finally:
            self._replying = False

    @send_message.validator
    def _validate_send_message(self, message: TraineeMessage) -> None:
        # Rejections are not recorded in the history; the same Idempotency-Key may be retried.
        if not self._text:
            raise ApplicationError(
                "this is a voice session: the agent holds its conversation", type="NotTextSession"
            )
        if self._phase == "starting":
            raise ApplicationError("the session is still starting", type="SessionStarting")
        if self._end is not None or self._phase != "in_conversation" or not self._turns.accepting:
            raise _session_ended(self._phase)
        if self._replying:
            raise ApplicationError(
                "the client is still replying to your last message", type="ReplyInProgress"
            )
        if self._next_seq + 2 > self._limits.max_turns:
            raise ApplicationError("the session reached its turn limit", type="SessionEnded")

    @workflow.update
    async def submit_review(self, review: Review) -> ReviewResult:
        """A supervisor's review (authorized by the API), recorded as a new evaluation revision.
        The same review id delivered twice is one revision."""
        if review.review_id in self._reviewing:
            await workflow.wait_condition(lambda: review.review_id in self._reviews)
        known = self._reviews.get(review.review_id)
        if known is not None:
            return known
        self._reviewing.add(review.review_id)
        result = await calls.record_review(self._request.session_id, review)
        self._reviews[review.review_id] = result
        if self._evaluation is not None:
            self._evaluation = self._evaluation.model_copy(
                update={"passed": result.passed, "overall_score": result.overall_score}
            )
        self._details()
        return result

    @submit_review.validator
    def _validate_review(self, review: Review) -> None:
        if review.review_id in self._reviewing:
            return  # a redelivery: answered with the first delivery's result
        if not (self._phase in REVIEW_PHASES or (self._phase == "completed" and self._reviews)):
            raise ApplicationError(
                f"this session is not awaiting review (phase {self._phase})",
                type="NotAwaitingReview",
            )
        assert self._evaluation is not None
        problems = []
        criteria = [o.id for o in review.criteria]
        flags = [d.id for d in review.red_flags]
        if unknown := sorted(set(criteria) - set(self._evaluation.criterion_ids)):
            problems.append(f"unknown criteria: {', '.join(unknown)}")
        if unknown := sorted(set(flags) - set(self._evaluation.red_flag_ids)):
            problems.append(f"red flags not raised in this evaluation: {', '.join(unknown)}")
        if len(set(criteria)) != len(criteria) or len(set(flags)) != len(flags):
            problems.append("each criterion and red flag may be decided once")
        if problems:
            raise ApplicationError("; ".join(problems), type="InvalidReview")

    # --- signals ----------------------------------------------------------------------------

    @workflow.signal
    def add_turns(self, batch: TurnBatch) -> None:
        # turns the contract refused on decode (malformed), then the ledger's own refusals
        for dropped in [*self._turns.refused(batch.rejected), *self._turns.add(batch.turns)]:
            workflow.logger.warning(
                "dropped turn seq=%s in phase %s: %s", dropped.seq, self._phase, dropped.reason
            )

    @workflow.signal
    def end_conversation(self, end: EndConversation) -> None:
        if self._end is not None or not self._turns.accepting:
            return  # a second end, or one after finalizing, is a no-op
        self._end = end

    # --- queries ----------------------------------------------------------------------------

    @workflow.query
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


def _session_ended(phase: Phase) -> ApplicationError:
    return ApplicationError(f"the conversation is over (phase {phase})", type="SessionEnded")
