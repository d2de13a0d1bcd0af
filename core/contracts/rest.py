"""The REST API's own bodies for sessions, scenarios and ops, the error body, and the claims of
the JWT a caller presents."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from core.contracts.base import (
    Contract,
    EvaluationStatus,
    LineText,
    Modality,
    Phase,
    ReviewStatus,
    Role,
    ScenarioStatus,
    SessionState,
    require_one_target,
)
from core.contracts.conversation import Turn
from core.contracts.workflow import ScenarioSummary


class TokenClaims(Contract):
    """The user claims of a verified JWT. A token whose claims do not fit is refused (401)
    before anything is stored."""

    model_config = ConfigDict(extra="ignore")
    sub: LineText = Field(min_length=1, max_length=200)
    role: Role
    email: LineText | None = Field(None, max_length=320)
    name: LineText | None = Field(None, max_length=200)
    org: LineText | None = Field(None, max_length=100)


class Problem(Contract):
    """One invalid field of a request: where (dotted, as in `rubric.criteria.1.weight`) and why."""

    path: str
    message: str


class ErrorDetail(Contract):
    type: str
    message: str
    retryable: bool
    problems: list[Problem] = Field(
        [], description="for a 422: every invalid field, path and reason (a form shows each)"
    )


class ErrorBody(Contract):
    error: ErrorDetail


class CreateSessionRequest(Contract):
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None
    modality: Modality | None = Field(
        None, description="default: voice when LiveKit is configured, else text"
    )

    @model_validator(mode="after")
    def _one_target(self) -> CreateSessionRequest:
        require_one_target(self.scenario_id, self.assignment_id)
        return self


class LiveKitAccess(Contract):
    url: str
    token: str


class CreateSessionResponse(Contract):
    session_id: UUID
    attempt: int
    status: SessionState
    room_name: str
    scenario: ScenarioSummary
    modality: Modality
    livekit: LiveKitAccess | None
    opening_line: str | None = Field(
        None, description="text sessions: the client's first line (turn 0 of the transcript)"
    )


class SessionView(Contract):
    session_id: UUID
    user_id: str
    scenario: ScenarioSummary
    scenario_version: int
    assignment_id: UUID | None
    attempt: int
    status: SessionState
    phase: Phase
    turn_count: int
    end_reason: str | None
    evaluation_status: EvaluationStatus
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    modality: Modality | None = Field(
        None, description="while the session runs (from its workflow); null once it has ended"
    )
    shared_at: datetime | None = None
    late: bool = False
    review_status: ReviewStatus | None = None
    review_due_at: datetime | None = None
    transcript_purged: bool = Field(
        False, description="the transcript was removed by retention (scores are kept)"
    )


class SessionPage(Contract):
    items: list[SessionView]
    next_cursor: str | None


class TranscriptView(Contract):
    session_id: UUID
    turns: list[Turn]
    transcript_purged: bool = Field(
        False, description="the turns were removed by retention: `turns` is empty"
    )


class EvaluationPending(Contract):
    status: Literal["in_conversation", "pending"]
    phase: Phase


class Accepted(Contract):
    status: Literal["accepted"] = "accepted"


class ShareResult(Contract):
    session_id: UUID
    shared_at: datetime


class HealthStatus(Contract):
    status: Literal["ok", "unavailable"]
    checks: dict[str, bool] = {}


class RubricCriterionView(Contract):
    id: str
    title: str
    weight: float
    description: str


class ScenarioView(Contract):
    id: UUID
    slug: str
    version: int
    title: str
    difficulty: str
    summary: str
    briefing: str
    status: ScenarioStatus = "published"
    built_in: bool = True  # a built-in is read-only: it is edited as a copy
    updated_at: AwareDatetime | None = None


class ScenarioDetail(ScenarioView):
    pass_mark: float
    criteria: list[RubricCriterionView]
    definition: dict[str, Any] | None = Field(
        None,
        description="the whole format-2 document (core/scenarios/schema.py), for its authors "
        "(supervisors and admins); absent for trainees, whose client keeps its facts to itself",
    )


class RedFlagLibrary(Contract):
    """The ids of the built-in red flags, the values a scenario's `rubric.red_flags` accepts."""

    ids: list[str]
