"""7. Human review: a durable wait for a supervisor (overdue after the deadline, never
auto-approved), update submit_review recording each review as a new evaluation revision."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from core.contracts.base import ReviewStatus
    from core.contracts.review import Review, ReviewResult
    from core.search_attributes import REVIEW
    from core.status import (
        REVIEW_PHASES,
    )
    from workflows import calls, interface

from workflows.session_base import SessionBase


class HumanReview(SessionBase):
    def _review_wanted(self) -> bool:
        """Assessed sessions only (practice is private to the trainee): when the assignment
        requires a review or the evaluation asks for a human."""
        if self._request.assignment_id is None or self._evaluation is None:
            return False
        return self._review_required or self._evaluation.needs_review

    async def _await_review(self) -> None:
        """7. Review: wait durably (days if need be) for a supervisor; nothing is auto-approved.
        Past the review deadline the review is marked overdue, and still awaited."""
        session_id = self._request.session_id
        hours = self._limits.review_deadline_hours
        self._review_due = workflow.now() + timedelta(hours=hours)
        self._set_review("pending")
        self._set_phase("awaiting_review")
        # the review state first: a row in awaiting_review is always in the review queue
        await calls.mark_review(session_id, "pending", self._review_due)
        await self._mark("awaiting_review", status="completed", turn_count=self._turns.received)
        if not await calls.wait_until(lambda: bool(self._reviews), hours * 3600, "review deadline"):
            self._set_review("overdue")
            await calls.mark_review(session_id, "overdue")
            await workflow.wait_condition(lambda: bool(self._reviews))
        self._set_review("done")

    async def _accept_revisions(self) -> None:
        """A reviewed session takes further reviews (new revisions) for a while, then closes."""
        hours = self._limits.review_revision_window_hours
        if hours > 0:
            await calls.wait_until(lambda: False, hours * 3600, "review revision window")

    def _set_review(self, status: ReviewStatus) -> None:
        self._review_status = status
        workflow.upsert_search_attributes([REVIEW.value_set(status)])
        self._details()

    @workflow.update(name=interface.SUBMIT_REVIEW.name)
    async def submit_review(self, review: Review) -> ReviewResult:
        """A supervisor's review (authorized by the API), recorded as a new evaluation revision.
        The same review id delivered twice is one revision."""
        if review.review_id in self._reviewing:
            await workflow.wait_condition(lambda: review.review_id in self._reviews)
        known = self._reviews.get(review.review_id)
        if known is not None:
            return known
        self._reviewing.add(review.review_id)
        result = await calls.record_review(self._request.session_id, review)
        self._reviews[review.review_id] = result
        if self._evaluation is not None:
            self._evaluation = self._evaluation.model_copy(
                update={"passed": result.passed, "overall_score": result.overall_score}
            )
        self._details()
        return result

    @submit_review.validator
    def _validate_review(self, review: Review) -> None:
        if review.review_id in self._reviewing:
            return  # a redelivery: answered with the first delivery's result
        if not (self._phase in REVIEW_PHASES or (self._phase == "completed" and self._reviews)):
            raise ApplicationError(
                f"this session is not awaiting review (phase {self._phase})",
                type="NotAwaitingReview",
            )
        assert self._evaluation is not None
        problems = []
        criteria = [o.id for o in review.criteria]
        flags = [d.id for d in review.red_flags]
        if unknown := sorted(set(criteria) - set(self._evaluation.criterion_ids)):
            problems.append(f"unknown criteria: {', '.join(unknown)}")
        if unknown := sorted(set(flags) - set(self._evaluation.red_flag_ids)):
            problems.append(f"red flags not raised in this evaluation: {', '.join(unknown)}")
        if len(set(criteria)) != len(criteria) or len(set(flags)) != len(flags):
            problems.append("each criterion and red flag may be decided once")
        if problems:
            raise ApplicationError("; ".join(problems), type="InvalidReview")

    # --- signals ----------------------------------------------------------------------------
