"""A supervisor's review of an evaluation: the REST request, the `submit_review` update's payload
and result, and the `review` part of the evaluation JSON once it is applied."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictBool

from core.contracts.base import Contract, LineText, Rating, StorableText

RedFlagDecisionKind = Literal["confirmed", "dismissed"]
ReviewComment = Annotated[StorableText, Field(max_length=4000)]


class CriterionOverride(Contract):
    id: str = Field(min_length=1, max_length=100, description="a criterion id of the evaluation")
    rating: Rating
    comment: ReviewComment | None = None


class RedFlagDecision(Contract):
    id: str = Field(min_length=1, max_length=100, description="a red flag id of the evaluation")
    decision: RedFlagDecisionKind
    comment: ReviewComment | None = None


class ReviewRequest(Contract):
    """POST /v1/sessions/{id}/review: the supervisor's verdict on the AI's evaluation."""

    passed: StrictBool = Field(description="the final pass/fail")  # never "true" or 1
    comment: ReviewComment | None = None
    criteria: Annotated[list[CriterionOverride], Field(max_length=50)] = []
    red_flags: Annotated[list[RedFlagDecision], Field(max_length=50)] = []


class ReviewAudit(Contract):
    """Who sent a review and from where: its audit event is written with the review itself."""

    actor_role: LineText = Field(min_length=1, max_length=20)
    client_ip: LineText | None = Field(None, max_length=64)
    user_agent: LineText | None = Field(None, max_length=300)


class Review(ReviewRequest):
    """The submit_review update's payload: the request plus who sent it, under an id that makes
    a redelivery one revision."""

    review_id: UUID
    reviewer: LineText = Field(min_length=1, max_length=200)
    audit: ReviewAudit | None = None


class ReviewResult(Contract):
    session_id: UUID
    review_id: UUID
    revision: int
    passed: bool
    overall_score: float


class CriterionOverrideView(Contract):
    id: str
    ai_rating: Rating
    rating: Rating
    comment: str | None = None


class ReviewInfo(Contract):
    """`review` of the evaluation JSON: the overrides applied to the AI's evaluation."""

    review_id: UUID
    reviewer: str
    at: AwareDatetime
    comment: str | None
    passed: bool
    ai_passed: bool
    ai_overall_score: float
    overrides: list[CriterionOverrideView]
    red_flags: list[RedFlagDecision]
