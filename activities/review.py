"""The human review's I/O: recording a supervisor's review as a new evaluation revision and
keeping the session row's review state (pending / overdue / done, deadline) in step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.contracts.activities import MarkReview, RecordReview
from core.contracts.evaluation import Evaluation
from core.contracts.review import ReviewResult
from core.db.engine import SessionMaker
from core.db.evaluations import latest_ai_revision, lock_current, replace_current, review_revision
from core.db.models import AuditEvent, TrainingSession
from evaluation.review import apply_review


class ReviewActivities:
    def __init__(self, sessionmaker: SessionMaker) -> None:
        self.db = sessionmaker

    @activity.defn(name="record_review")
    async def record_review(self, request: RecordReview) -> ReviewResult:
        """One revision per review id, whatever the retries: the current row is locked, a review
        already recorded is answered from its revision."""
        review = request.review
        async with self.db() as db:
            try:
                await lock_current(db, request.session_id)
            except LookupError as exc:
                raise ApplicationError(str(exc), type="NotFound", non_retryable=True) from exc
            done = await review_revision(db, review.review_id)
            if done is not None:
                return _result(request, done.revision, Evaluation.model_validate(done.evaluation))
            ai = await latest_ai_revision(db, request.session_id)
            assert ai is not None, "an evaluated session has its AI revision"
            reviewed = apply_review(ai, review, datetime.now(UTC))
            revision = await replace_current(
                db, reviewed, "review", review_id=review.review_id, locked=True
            )
            await db.execute(
                update(TrainingSession)
                .where(TrainingSession.id == request.session_id)
                .values(review_status="done")
            )
            if review.audit is not None:  # in the review's own transaction: both or neither
                trainee = await db.scalar(
                    select(TrainingSession.user_id).where(TrainingSession.id == request.session_id)
                )
                db.add(
                    AuditEvent(
                        actor_id=review.reviewer,
                        actor_role=review.audit.actor_role,
                        action="review.submit",
                        object_type="review",
                        object_id=str(review.review_id),
                        session_id=request.session_id,
                        subject_user_id=trainee,
                        client_ip=review.audit.client_ip,
                        user_agent=review.audit.user_agent,
                    )
                )
            await db.commit()
        return _result(request, revision, reviewed)

    @activity.defn(name="mark_review")
    async def mark_review(self, request: MarkReview) -> None:
        values: dict[str, Any] = {"review_status": request.review_status}
        if request.review_due_at is not None:
            values["review_due_at"] = request.review_due_at
        async with self.db() as db:
            await db.execute(
                update(TrainingSession)
                .where(TrainingSession.id == request.session_id)
                # a late retry never pulls a reviewed session back to pending/overdue
                .where(TrainingSession.review_status.is_distinct_from("done"))
                .values(**values)
            )
            await db.commit()


def _result(request: RecordReview, revision: int, evaluation: Evaluation) -> ReviewResult:
    return ReviewResult(
        session_id=request.session_id,
        review_id=request.review.review_id,
        revision=revision,
        passed=evaluation.passed,
        overall_score=evaluation.overall_score,
    )
