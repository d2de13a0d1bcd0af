"""What the session workflow and its activities say to each other: one input model and one
result per activity call (ids through Temporal, never transcripts)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, Field

from core.contracts.base import Contract, Phase, ReviewStatus, SessionState, StorableText
from core.contracts.conversation import Turn
from core.contracts.review import Review


class CreatedSession(Contract):
    session_id: UUID
    attempt: int
    room_name: str
    scenario_id: UUID
    review_required: bool = False


class LoadScenario(Contract):
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None


class ScenarioSnapshot(Contract):
    id: UUID
    slug: str
    version: int
    title: str
    briefing: str
    persona_prompt: str
    opening_line: str
    offline_script: dict[str, Any] | None = None


class DispatchAgent(Contract):
    session_id: UUID
    workflow_id: str
    room_name: str


class DispatchResult(Contract):
    dispatched: bool
    dispatch_id: str | None = None


class CloseRoom(Contract):
    room_name: str


class PersistTurns(Contract):
    session_id: UUID
    turns: list[Turn]


class PersistResult(Contract):
    inserted: int
    quarantined: list[int] = Field(
        default_factory=list,
        description="seqs of turns Postgres refused permanently (a data error): never retried",
    )


class MarkPhase(Contract):
    session_id: UUID
    phase: Phase
    status: SessionState = "active"
    end_reason: str | None = None
    turn_count: int | None = None
    started: bool = False
    ended: bool = False


class ClientReplyRequest(Contract):
    """The persona's next line in a text session: the activity reads the conversation up to and
    including the trainee turn `trainee_seq` from Postgres (ids through Temporal, not text)."""

    session_id: UUID
    trainee_seq: int = Field(ge=0)


class ClientReplyText(Contract):
    text: StorableText
    model: str


class EvaluateSession(Contract):
    session_id: UUID
    judge_max_attempts: int = 3


class EvaluationSummary(Contract):
    session_id: UUID
    overall_score: float
    passed: bool
    evaluator: str
    fallback: bool
    needs_review: bool = False
    # what a review may refer to (the submit_review validator checks overrides against them)
    criterion_ids: list[str] = Field(default_factory=list)
    red_flag_ids: list[str] = Field(default_factory=list)


class RecordReview(Contract):
    session_id: UUID
    review: Review


class MarkReview(Contract):
    session_id: UUID
    review_status: ReviewStatus
    review_due_at: AwareDatetime | None = None
