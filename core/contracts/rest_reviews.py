"""REST bodies of `/v1/reviews`: a supervisor's queue of sessions awaiting review."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from core.contracts.base import Contract, ReviewStatus
from core.contracts.workflow import ScenarioSummary


class ReviewQueueItem(Contract):
    session_id: UUID
    trainee_id: str
    scenario: ScenarioSummary
    assignment_id: UUID | None
    attempt: int
    review_status: ReviewStatus
    review_due_at: datetime | None
    ai_score: float | None
    passed: bool | None
    needs_review: bool
    reviewer: str | None = None
    reviewed_at: datetime | None = None


class ReviewQueuePage(Contract):
    items: list[ReviewQueueItem]
    next_cursor: str | None
