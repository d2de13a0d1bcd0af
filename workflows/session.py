"""TrainingSession: one practice attempt, from start to evaluation. Orchestration only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.session import SessionActivities
    from core.contracts import (
        TERMINAL_PHASES,
        TURN_TEXT_MAX_CHARS,
        AbandonReason,
        AgentBriefing,
        AgentJoined,
        CloseRoom,
        DispatchAgent,
        EndConversation,
        EvaluateSession,
        EvaluationStatus,
        EvaluationSummary,
        LoadScenario,
        MarkPhase,
        PersistTurns,
        Phase,
        ScenarioSnapshot,
        ScenarioSummary,
        SessionOutcome,
        SessionReady,
        SessionState,
        SessionStatus,
        StartSession,
        Turn,
        TurnBatch,
    )
    from workflows import policies

WORKFLOW_TYPE = "TrainingSession"
USER_ID = SearchAttributeKey.for_keyword("VoicetrainUserId")
SCENARIO = SearchAttributeKey.for_keyword("VoicetrainScenario")
PHASE = SearchAttributeKey.for_keyword("VoicetrainPhase")

# Keep each persist payload well below Temporal's 2 MB limit and its 256 KB warning.
PERSIST_BATCH_MAX_CHARS = 120_000


P = TypeVar("P")
R = TypeVar("R")


async def _execute(
    method: Callable[[SessionActivities, P], Awaitable[R]],
    arg: P,
    policy: policies.ActivityPolicy,
    summary: str,
) -> R:
    return await workflow.execute_activity_method(
        method,
        arg,
        start_to_close_timeout=policy.start_to_close,
        schedule_to_close_timeout=policy.schedule_to_close,
        heartbeat_timeout=policy.heartbeat,
        retry_policy=policy.retry,
        summary=summary,
    )


@workflow.defn(name=WORKFLOW_TYPE)
class TrainingSessionWorkflow:
    @workflow.init
    def __init__(self, start: StartSession) -> None:
        self._start = start
        self._limits = start.limits
        self._phase: Phase = "starting"
        self._ready: SessionReady | None = None
        self._start_failure: ApplicationError | None = None
        self._scenario: ScenarioSnapshot | None = None
        self._agent_identity: str | None = None
        self._briefing: AgentBriefing | None = None
        self._seen: set[int] = set()
        self._unpersisted: dict[int, Turn] = {}
        self._trainee_turns = 0
        self._persisted = 0
        self._dropped = 0
        self._accepting_turns = True
        self._end: EndConversation | None = None
        self._end_reason: str | None = None
        self._evaluation: EvaluationSummary | None = None
        self._evaluation_status: EvaluationStatus = "pending"
        self._pump_stop = False

    # --- the run ----------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: StartSession) -> SessionOutcome:
        try:
            return await self._run(start)
        except asyncio.CancelledError:
            # Compensation: the session is abandoned and its room closed, even when cancelled.
            self._end_reason = self._end_reason or "cancelled"
            self._accepting_turns = False
            if self._ready is not None:
                await asyncio.gather(
                    self._activity_close_room(),
                    self._mark("abandoned", status="abandoned", ended=True, end_reason="cancelled"),
                )
            self._set_phase("abandoned")
            self._evaluation_status = "none"
            raise

    async def _run(self, start: StartSession) -> SessionOutcome:
        self._set_phase("starting")
        try:
            created, scenario = await asyncio.gather(
                _execute(
                    SessionActivities.create_session, start, policies.START, "create session row"
                ),
                _execute(
                    SessionActivities.load_scenario,
                    LoadScenario(scenario_id=start.scenario_id, assignment_id=start.assignment_id),
                    policies.START,
                    "load scenario snapshot",
                ),
            )
        except ActivityError as err:
            cause = err.cause
            failure = (
                cause
                if isinstance(cause, ApplicationError) and cause.type
                else ApplicationError(
                    "the session could not be started", type="StartFailed", non_retryable=True
                )
            )
            self._start_failure = ApplicationError(
                failure.message, type=failure.type, non_retryable=True
            )
            self._set_phase("failed")
            self._evaluation_status = "none"
            await workflow.wait_condition(workflow.all_handlers_finished)
            raise self._start_failure from err

        self._scenario = scenario
        self._ready = SessionReady(
            session_id=start.session_id,
            workflow_id=workflow.info().workflow_id,
            attempt=created.attempt,
            room_name=created.room_name,
            scenario=ScenarioSummary(
                id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
            ),
        )
        workflow.upsert_search_attributes(
            [SCENARIO.value_set(scenario.slug), USER_ID.value_set(start.user_id)]
        )
        self._set_phase("waiting_for_agent")
        await asyncio.gather(
            _execute(
                SessionActivities.dispatch_agent,
                DispatchAgent(
                    session_id=start.session_id,
                    workflow_id=workflow.info().workflow_id,
                    room_name=created.room_name,
                ),
                policies.LIVEKIT,
                f"dispatch agent to {created.room_name}",
            ),
            self._mark("waiting_for_agent"),
        )

        joined = await self._wait(
            lambda: self._agent_identity is not None or self._end is not None,
            self._limits.agent_join_timeout_seconds,
            "agent join timeout",
        )
        if not joined:
            return await self._abandon("agent_unavailable")

        pump: asyncio.Task[None] | None = None
        if self._agent_identity is not None and self._end is None:
            self._set_phase("in_conversation")
            pump = asyncio.create_task(self._persist_pump())
            await self._mark("in_conversation", started=True)
            remaining = (
                (self._briefing.deadline - workflow.now()).total_seconds() if self._briefing else 0
            )
            ended = await self._wait(
                lambda: self._end is not None or len(self._seen) >= self._limits.max_turns,
                max(remaining, 0.001),
                "max duration",
            )
            if self._end is not None:
                self._end_reason = self._end.reason
                wanted = self._end.final_turn_count
                if wanted:
                    await self._wait(
                        lambda: len(self._seen) >= min(wanted, self._limits.max_turns),
                        self._limits.final_turn_wait_seconds,
                        "wait for final turns",
                    )
            else:
                self._end_reason = "max_turns" if ended else "time_limit"
        elif self._end is not None:
            self._end_reason = self._end.reason

        # Finalize: no more turns; flush what is buffered, close the room, mark the end.
        self._accepting_turns = False
        self._set_phase("finalizing")
        if pump is None:
            pump = asyncio.create_task(self._persist_pump())
        self._pump_stop = True
        await pump
        await asyncio.gather(
            self._activity_close_room(),
            self._mark(
                "finalizing", ended=True, end_reason=self._end_reason, turn_count=len(self._seen)
            ),
        )
        if self._trainee_turns < self._limits.min_trainee_turns:
            return await self._abandon("no_conversation", already_ended=True)

        self._set_phase("evaluating")
        self._evaluation = await _execute(
            SessionActivities.evaluate_session,
            EvaluateSession(
                session_id=start.session_id, judge_max_attempts=self._limits.judge_max_attempts
            ),
            policies.EVALUATE,
            "evaluate transcript against the rubric",
        )
        self._evaluation_status = "ready"
        self._set_phase("completed")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._outcome()

    async def _abandon(
        self, reason: AbandonReason, *, already_ended: bool = False
    ) -> SessionOutcome:
        self._end_reason = reason
        self._accepting_turns = False
        self._evaluation_status = "none"
        mark = self._mark(
            "abandoned",
            status="abandoned",
            ended=True,
            end_reason=reason,
            turn_count=len(self._seen),
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
            await workflow.wait_condition(lambda: bool(self._unpersisted) or self._pump_stop)
            if not self._unpersisted:
                return
            batch: list[Turn] = []
            size = 0
            for seq in sorted(self._unpersisted):
                turn = self._unpersisted[seq]
                if batch and (
                    len(batch) >= self._limits.persist_batch_max_turns
                    or size + len(turn.text) > PERSIST_BATCH_MAX_CHARS
                ):
                    break
                batch.append(turn)
                size += len(turn.text) + 200
            result = await _execute(
                SessionActivities.persist_turns,
                PersistTurns(session_id=self._start.session_id, turns=batch),
                policies.PERSIST_TURNS,
                f"persist turns {batch[0].seq}-{batch[-1].seq} ({len(batch)})",
            )
            for turn in batch:
                del self._unpersisted[turn.seq]
            # quarantined turns were refused by Postgres for good: counted as dropped, not stored
            self._persisted += len(batch) - len(result.quarantined)
            self._dropped += len(result.quarantined)
            self._details()

    async def _wait(self, condition: Callable[[], bool], seconds: float, summary: str) -> bool:
        try:
            await workflow.wait_condition(
                condition, timeout=timedelta(seconds=seconds), timeout_summary=summary
            )  # type: ignore[arg-type]
        except TimeoutError:
            return False
        return True

    async def _mark(
        self,
        phase: Phase,
        *,
        status: SessionState = "active",
        started: bool = False,
        ended: bool = False,
        end_reason: str | None = None,
        turn_count: int | None = None,
    ) -> None:
        await _execute(
            SessionActivities.mark_phase,
            MarkPhase(
                session_id=self._start.session_id,
                phase=phase,
                status=status,
                started=started,
                ended=ended,
                end_reason=end_reason,
                turn_count=turn_count,
            ),
            policies.DB_WRITE,
            f"mark session {phase}",
        )

    async def _activity_close_room(self) -> None:
        if self._ready is None:
            return
        await _execute(
            SessionActivities.close_room,
            CloseRoom(room_name=self._ready.room_name),
            policies.LIVEKIT,
            f"close room {self._ready.room_name}",
        )

    def _set_phase(self, phase: Phase) -> None:
        self._phase = phase
        workflow.upsert_search_attributes([PHASE.value_set(phase)])
        self._details()

    def _details(self) -> None:
        scenario = self._scenario.title if self._scenario else "loading scenario"
        lines = [
            f"**{self._phase}** - {scenario}",
            f"turns: {len(self._seen)} received, {self._persisted} persisted, {self._dropped} dropped",
        ]
        if self._end_reason:
            lines.append(f"end reason: {self._end_reason}")
        if self._evaluation:
            verdict = "passed" if self._evaluation.passed else "not passed"
            lines.append(f"evaluation: {self._evaluation.overall_score:.0f}/100, {verdict}")
        workflow.set_current_details("\n\n".join(lines))

    def _outcome(self) -> SessionOutcome:
        return SessionOutcome(
            session_id=self._start.session_id,
            phase=self._phase,
            end_reason=self._end_reason,
            turn_count=len(self._seen),
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
            or not self._accepting_turns
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
                session_id=self._start.session_id,
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
        if self._end is not None or self._phase in ("finalizing", "evaluating", *TERMINAL_PHASES):
            raise ValueError(f"the session has ended (phase {self._phase})")
        if self._agent_identity is not None and joined.agent_identity != self._agent_identity:
            raise ValueError("another agent already joined this session")

    # --- signals ----------------------------------------------------------------------------

    @workflow.signal
    def add_turns(self, batch: TurnBatch) -> None:
        for rejected in batch.rejected:  # malformed turns (the contract refused them on decode)
            self._dropped += 1
            workflow.logger.warning("dropped turn seq=%s: %s", rejected.seq, rejected.reason)
        for turn in batch.turns:
            if turn.seq in self._seen:
                continue  # at-least-once delivery: a duplicate is expected, not an error
            reason = self._reject_reason(turn)
            if reason:
                self._dropped += 1
                workflow.logger.warning("dropped turn seq=%s: %s", turn.seq, reason)
                continue
            self._seen.add(turn.seq)
            self._unpersisted[turn.seq] = turn
            if turn.speaker == "trainee":
                self._trainee_turns += 1

    def _reject_reason(self, turn: Turn) -> str | None:
        if not self._accepting_turns:
            return f"arrived after the conversation was finalized (phase {self._phase})"
        if turn.seq < 0 or turn.seq >= self._limits.max_turns:
            return f"seq outside 0..{self._limits.max_turns - 1}"
        if len(turn.text) > TURN_TEXT_MAX_CHARS:
            return f"text longer than {TURN_TEXT_MAX_CHARS} characters"
        if not turn.text.strip():
            return "empty text"
        if turn.ended_at < turn.started_at:
            return "ends before it starts"
        return None

    @workflow.signal
    def end_conversation(self, end: EndConversation) -> None:
        if self._end is not None or not self._accepting_turns:
            return  # a second end, or one after finalizing, is a no-op
        self._end = end

    # --- queries ----------------------------------------------------------------------------

    @workflow.query
    def status(self) -> SessionStatus:
        return SessionStatus(
            session_id=self._start.session_id,
            phase=self._phase,
            turn_count=len(self._seen),
            persisted_turn_count=self._persisted,
            dropped_turns=self._dropped,
            end_reason=self._end_reason,
            evaluation_status=self._evaluation_status,
        )
