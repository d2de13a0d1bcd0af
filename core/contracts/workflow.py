"""The session workflow's input, result and client-facing messages: how the API starts it
(`StartSession`, answered by `SessionReady`), what its `status` query and its run return, and
the text modality's `send_message` update (`TraineeMessage` -> `ClientReply`)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from core.contracts.activities import EvaluationSummary
from core.contracts.base import (
    TRAINEE_MESSAGE_MAX_CHARS,
    Contract,
    EvaluationStatus,
    LineText,
    Modality,
    Phase,
    ReviewStatus,
    StorableText,
    require_one_target,
)
from core.contracts.conversation import Turn

# Reasons a session is abandoned without an evaluation (stored as its end_reason).
AbandonReason = Literal["agent_unavailable", "no_conversation", "cancelled"]


class SessionLimits(Contract):
    agent_join_timeout_seconds: float = Field(60.0, gt=0)
    max_duration_seconds: float = Field(1800.0, gt=0)
    final_turn_wait_seconds: float = Field(30.0, ge=0)
    max_turns: int = Field(1000, ge=1)
    min_trainee_turns: int = Field(2, ge=1)
    # One persist carries at most this many turns, keeping every payload far below 256 KB.
    persist_batch_max_turns: int = Field(100, ge=1, le=1000)
    judge_max_attempts: int = Field(3, ge=1)
    # A text session in which nobody writes for this long ends (reason idle_timeout).
    text_idle_timeout_seconds: float = Field(600.0, gt=0)
    # Human review (assessed sessions that require it, or evaluations that ask for a human):
    # overdue after the deadline; further reviews (new revisions) accepted for the window after.
    review_deadline_hours: float = Field(72.0, gt=0)
    review_revision_window_hours: float = Field(168.0, ge=0)


class StartSession(Contract):
    session_id: UUID
    user_id: LineText
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None
    idempotency_key: LineText | None = None
    request_hash: str | None = None
    limits: SessionLimits = SessionLimits()
    # absent in runs started before the text modality existed: those are voice sessions
    modality: Modality = "voice"

    @model_validator(mode="after")
    def _one_target(self) -> StartSession:
        require_one_target(self.scenario_id, self.assignment_id)
        return self


class ScenarioSummary(Contract):
    id: UUID
    slug: str
    title: str
    briefing: str


class SessionReady(Contract):
    session_id: UUID
    workflow_id: str
    attempt: int
    room_name: str
    scenario: ScenarioSummary
    modality: Modality = "voice"
    opening_line: str | None = Field(
        None, description="text sessions: the client's first line, already turn 0"
    )
    # the started request's hash: a repeated Idempotency-Key with another body is refused
    request_hash: str | None = None


class SessionStatus(Contract):
    session_id: UUID
    phase: Phase
    turn_count: int
    persisted_turn_count: int
    dropped_turns: int
    end_reason: str | None
    evaluation_status: EvaluationStatus
    modality: Modality = "voice"
    review_status: ReviewStatus | None = None
    review_due_at: AwareDatetime | None = None


class SessionOutcome(Contract):
    session_id: UUID
    phase: Phase
    end_reason: str | None
    turn_count: int
    evaluation: EvaluationSummary | None = None


def _message_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise ValueError("the message is empty")
    return stripped


class TraineeMessage(Contract):
    """What the trainee writes in a text session (POST /v1/sessions/{id}/messages)."""

    text: Annotated[
        StorableText,
        Field(min_length=1, max_length=TRAINEE_MESSAGE_MAX_CHARS),
        AfterValidator(_message_text),
    ]


class ClientReply(Contract):
    """The answer to a trainee message: both turns as stored in the transcript."""

    trainee_turn: Turn
    client_turn: Turn
