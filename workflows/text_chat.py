"""The text modality: the workflow itself holds the chat (update send_message: the trainee turn,
the persona activity, the client turn) through the same turn ledger and persist pump as voice."""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.contracts.base import Phase, Speaker
    from core.contracts.conversation import Turn
    from core.contracts.workflow import ClientReply, TraineeMessage
    from workflows import calls, interface

from workflows.session_base import SessionBase


class TextChat(SessionBase):
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

    @workflow.update(name=interface.SEND_MESSAGE.name)
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


def _session_ended(phase: Phase) -> ApplicationError:
    return ApplicationError(f"the conversation is over (phase {phase})", type="SessionEnded")
