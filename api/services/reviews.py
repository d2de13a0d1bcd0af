"""Supervisor review: the authorization and the submit_review update (with its failures mapped
to the error contract), the review queue and a session's evaluation revisions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.pagination import decode_cursor, encode_cursor
from api.teams.queries import leads_trainee
from api.visibility import get_visible_session
from core.contracts.base import ReviewStatus
from core.contracts.rest_reviews import ReviewQueueItem, ReviewQueuePage
from core.contracts.review import Review, ReviewAudit, ReviewRequest, ReviewResult
from core.db import queries
from core.db.convert import scenario_summary
from core.db.models import EvaluationRow, Scenario, TrainingSession
from core.errors import BadRequest, Forbidden, NotAwaitingReview, NotFound, Unavailable
from core.security import Principal
from workflows import interface

_REVIEW_NS = uuid.UUID("0b9d3c55-7a40-4f65-9d4c-5c3e1f2a9b71")
# reviews without a deadline sort (and page) after every dated one
NO_DUE_DATE = datetime.max.replace(tzinfo=UTC)


async def submit_review(
    db: AsyncSession,
    temporal: Client,
    user: Principal,
    session_id: uuid.UUID,
    body: ReviewRequest,
    idempotency_key: str | None,
    audit: ReviewAudit | None = None,
) -> ReviewResult:
    """Only a supervisor leading a team of the trainee, or an admin, reviews; the workflow
    decides whether the session takes a review now. The same Idempotency-Key is the same review
    (one revision however often it is sent)."""
    session = await get_visible_session(db, user, session_id)
    if user.role == "trainee" or (
        user.role == "supervisor" and not await leads_trainee(db, user.id, session.user_id)
    ):
        raise Forbidden("only a supervisor of the trainee's team or an admin can review")
    review_id = (
        uuid.uuid5(_REVIEW_NS, f"{user.id}\n{session_id}\n{idempotency_key}")
        if idempotency_key
        else uuid.uuid4()
    )
    review = Review(**body.model_dump(), review_id=review_id, reviewer=user.id, audit=audit)
    await db.close()  # the update may take a moment: hold no connection meanwhile
    handle = temporal.get_workflow_handle(session.workflow_id)
    try:
        return await interface.SUBMIT_REVIEW.execute(
            handle, review, update_id=f"review-{review_id}"
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        kind = cause.type if isinstance(cause, ApplicationError) else None
        message = cause.message if isinstance(cause, ApplicationError) else "review failed"
        if kind == "NotAwaitingReview":
            raise NotAwaitingReview(message) from exc
        if kind == "InvalidReview":
            raise BadRequest(message) from exc
        if kind == "NotFound":
            raise NotFound(message) from exc
        raise Unavailable("the review could not be recorded; try again") from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # the workflow has closed
            raise NotAwaitingReview("this session is not awaiting review") from exc
        raise Unavailable("the workflow service is unavailable; try again") from exc


async def review_queue(
    db: AsyncSession, user: Principal, status: ReviewStatus, limit: int, cursor: str | None
) -> ReviewQueuePage:
    """The reviews of the sessions the caller sees (a supervisor: their teams'), oldest due
    first. Pending past its deadline counts as overdue even before the workflow's timer fired."""
    if user.role == "trainee":
        raise Forbidden("the review queue is for supervisors and admins")
    past_due = TrainingSession.review_due_at < func.now()
    wanted = {
        "pending": and_(TrainingSession.review_status == "pending", ~past_due),
        "overdue": or_(
            TrainingSession.review_status == "overdue",
            and_(TrainingSession.review_status == "pending", past_due),
        ),
        "done": TrainingSession.review_status == "done",
    }[status]
    due = func.coalesce(TrainingSession.review_due_at, NO_DUE_DATE)
    query = (
        select(TrainingSession, Scenario, EvaluationRow)
        .join(Scenario, Scenario.id == TrainingSession.scenario_id)
        .outerjoin(EvaluationRow, EvaluationRow.session_id == TrainingSession.id)
        .where(queries.visible_sessions(user), wanted)
    )
    if cursor:
        after, sid = decode_cursor(cursor)
        query = query.where(or_(due > after, and_(due == after, TrainingSession.id > sid)))
    rows = (await db.execute(query.order_by(due, TrainingSession.id).limit(limit + 1))).all()
    page = rows[:limit]
    items = []
    for session, scenario, evaluation in page:
        review = (evaluation.evaluation.get("review") if evaluation is not None else None) or {}
        items.append(
            ReviewQueueItem(
                session_id=session.id, trainee_id=session.user_id,
                scenario=scenario_summary(scenario),
                assignment_id=session.assignment_id, attempt=session.attempt,
                review_status="overdue" if status == "overdue" else session.review_status,
                review_due_at=session.review_due_at,
                ai_score=evaluation.overall_score if evaluation is not None else None,
                passed=evaluation.passed if evaluation is not None else None,
                needs_review=bool(evaluation is not None and evaluation.needs_review),
                reviewer=review.get("reviewer"), reviewed_at=review.get("at"),
            )
        )  # fmt: skip
    last = page[-1][0] if page else None
    return ReviewQueuePage(
        items=items,
        next_cursor=encode_cursor(last.review_due_at or NO_DUE_DATE, last.id)
        if last and len(rows) > limit
        else None,
    )
