"""REST bodies of `/v1/assignments`: what a supervisor assigns and how it stands."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictBool, StrictFloat, StrictInt

from core.contracts.base import Contract, LineText

LatePolicy = Literal["allow", "refuse"]
AssignmentStatus = Literal[
    "not_started", "in_progress", "passed", "failed", "overdue", "awaiting_review"
]


class AssignmentCreate(Contract):
    scenario_id: UUID
    trainee_id: LineText = Field(min_length=1, max_length=200)
    due_at: AwareDatetime | None = None
    # strict: a number as a string or a bool as an int is refused, not coerced
    max_attempts: StrictInt = Field(3, ge=1, le=100)
    min_score: StrictFloat | None = Field(None, ge=0, le=100)
    review_required: StrictBool = False
    late_policy: LatePolicy = "allow"


class AssignmentView(Contract):
    id: UUID
    scenario_id: UUID
    scenario_slug: str
    trainee_id: str
    assigned_by: str
    due_at: datetime | None
    max_attempts: int
    attempts_used: int
    created_at: datetime
    min_score: float | None = None
    review_required: bool = False
    late_policy: LatePolicy = "allow"
    status: AssignmentStatus = "not_started"
    best_score: float | None = None


class AssignmentPage(Contract):
    items: list[AssignmentView]
