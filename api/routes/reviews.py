"""Supervisor review: submit a review of a session (an update of its workflow), the review
queue, and a session's evaluation revisions (the AI's original stays listable)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.audit.service import AuditDep
from api.deps import CurrentUser, DbDep, IdempotencyKey, TemporalDep
from api.errors import responses
from api.services.reviews import review_queue, submit_review
from api.visibility import get_visible_session
from core.contracts.base import ReviewStatus
from core.contracts.evaluation import EvaluationRevisionPage
from core.contracts.rest_reviews import ReviewQueuePage
from core.contracts.review import ReviewAudit, ReviewRequest, ReviewResult
from core.db.evaluations import list_revisions

router = APIRouter(prefix="/v1", tags=["reviews"], responses=responses(401, 422))


@router.post(
    "/sessions/{session_id}/review",
    response_model=ReviewResult,
    responses=responses(403, 404, 409, 503),
    summary="Review a session's evaluation: overrides, red flag decisions, final pass/fail",
    description="403 for a trainee or a supervisor not leading the trainee's team; 404 when not "
    "visible; 409 `not_awaiting_review` when the session takes no review now. A review after "
    "the first is a new revision. The same `Idempotency-Key` is the same review.",
)
async def post_review(
    session_id: uuid.UUID,
    body: ReviewRequest,
    user: CurrentUser,
    db: DbDep,
    temporal: TemporalDep,
    audit: AuditDep,
    idempotency_key: IdempotencyKey = None,
) -> ReviewResult:
    # the review is written by the workflow (record_review), its audit event in the same
    # transaction: a review recorded is a review on the trail, once however often it is sent
    who = ReviewAudit(actor_role=user.role, client_ip=audit.client_ip, user_agent=audit.user_agent)
    return await submit_review(db, temporal, user, session_id, body, idempotency_key, who)


@router.get(
    "/reviews",
    response_model=ReviewQueuePage,
    responses=responses(403),
    summary="The review queue of your teams, oldest due first",
)
async def get_reviews(
    user: CurrentUser,
    db: DbDep,
    audit: AuditDep,
    status: ReviewStatus = "pending",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> ReviewQueuePage:
    page = await review_queue(db, user, status, limit, cursor)
    # the queue names trainees and their scores: who looked at it is on the trail (admins see it)
    audit.add("reviews.list", "review_queue", status)
    await db.commit()
    return page


@router.get(
    "/sessions/{session_id}/evaluation/revisions",
    response_model=EvaluationRevisionPage,
    responses=responses(404),
    summary="Every revision of the evaluation, oldest first (the AI's first is revision 1)",
)
async def get_revisions(
    session_id: uuid.UUID, user: CurrentUser, db: DbDep, audit: AuditDep
) -> EvaluationRevisionPage:
    session = await get_visible_session(db, user, session_id)
    items = await list_revisions(db, session.id)
    await audit.read("revisions.read", session.id, session.user_id)
    return EvaluationRevisionPage(items=items)
