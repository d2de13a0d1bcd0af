"""The human review in the workflow, on the real dev server and Postgres (and the time-skipping
server for the deadline): a durable wait in awaiting_review that survives a worker restart, one
revision per review id, a new revision per further review, validation, overdue at the deadline."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from core.contracts.conversation import EndConversation
from core.contracts.review import CriterionOverride, Review
from core.contracts.workflow import SessionLimits, SessionOutcome
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation, list_revisions
from core.db.models import Assignment, TrainingSession
from core.search_attributes import PHASE, REVIEW
from core.settings import load_settings
from tests.helpers import (
    converse,
    eventually,
    keep_history,
    make_turns,
    make_user,
    scenario_by_slug,
)
from tests.helpers import start_session as start_workflow
from worker.main import build_worker
from workflows import interface
from workflows.session import TrainingSessionWorkflow

Handle = WorkflowHandle[TrainingSessionWorkflow, SessionOutcome]


async def _assignment(sm: SessionMaker, *, review_required: bool = True) -> tuple[str, uuid.UUID]:
    trainee, supervisor = await make_user(sm), await make_user(sm, "supervisor")
    scenario = await scenario_by_slug(sm, "anxious-college-student")
    async with sm() as db:
        assignment = Assignment(
            scenario_id=scenario.id,
            trainee_id=trainee.id,
            assigned_by=supervisor.id,
            review_required=review_required,
        )
        db.add(assignment)
        await db.commit()
    return trainee.id, assignment.id


async def _until_awaiting_review(handle: Handle) -> None:
    async def waiting() -> bool:
        return (await handle.query(TrainingSessionWorkflow.status)).phase == "awaiting_review"

    await eventually(waiting, timeout=60)


def _review(**kw: object) -> Review:
    return Review.model_validate(
        {"review_id": uuid.uuid4(), "reviewer": "sup-1", "passed": True, **kw}
    )


async def test_review_waits_survives_a_restart_and_records_revisions(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    trainee, assignment = await _assignment(sessionmaker)
    settings = load_settings(env="dev")
    limits = SessionLimits(review_revision_window_hours=0.003)  # ~11 s for further revisions
    async with build_worker(client, settings, sessionmaker, task_queue=task_queue):
        handle, ready = await start_workflow(
            client, task_queue, user_id=trainee, assignment_id=assignment, limits=limits
        )
        await converse(handle, make_turns(12), end=EndConversation(reason="trainee_ended"))
        await _until_awaiting_review(handle)
    # no worker at all while it waits; then a new one takes over
    async with build_worker(client, settings, sessionmaker, task_queue=task_queue):
        status = await handle.query(TrainingSessionWorkflow.status)
        assert (status.phase, status.review_status) == ("awaiting_review", "pending")
        assert status.review_due_at is not None
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(PHASE), attrs.get(REVIEW)) == ("awaiting_review", "pending")
        async with sessionmaker() as db:
            row = await db.get(TrainingSession, ready.session_id)
            assert row is not None
            assert (row.status, row.phase, row.review_status) == (
                "completed",
                "awaiting_review",
                "pending",
            )
            ai = await current_evaluation(db, ready.session_id)
        assert ai is not None
        assert ai.review is None

        # validation: unknown criteria and red flags are refused before anything is recorded
        with pytest.raises(WorkflowUpdateFailedError) as bad:
            await interface.SUBMIT_REVIEW.execute(
                handle,
                _review(criteria=[CriterionOverride(id="no-such-criterion", rating="met")]),
            )
        assert isinstance(bad.value.cause, ApplicationError)
        assert bad.value.cause.type == "InvalidReview"

        target = ai.criteria[0]
        other = "met" if target.rating != "met" else "not_met"
        first = _review(
            passed=False,
            comment="needs work",
            criteria=[CriterionOverride(id=target.id, rating=other, comment="see 3")],
        )
        results = [
            await interface.SUBMIT_REVIEW.execute(handle, first)
            for _ in range(2)  # delivered twice: one revision
        ]
        assert results[0] == results[1]
        assert (results[0].revision, results[0].passed) == (2, False)

        async def reviewed() -> bool:
            return (await handle.query(TrainingSessionWorkflow.status)).phase == "completed"

        await eventually(reviewed)
        second = await interface.SUBMIT_REVIEW.execute(handle, _review(passed=True))
        assert second.revision == 3
        outcome = await handle.result()
        assert outcome.phase == "completed"
        assert outcome.evaluation is not None
        assert outcome.evaluation.passed
        await keep_history(handle, "review_with_worker_restart")

    async with sessionmaker() as db:
        history = await list_revisions(db, ready.session_id)
        current = await current_evaluation(db, ready.session_id)
        row = await db.get(TrainingSession, ready.session_id)
    assert [(r.revision, r.kind) for r in history] == [(1, "ai"), (2, "review"), (3, "review")]
    assert history[0].evaluation.review is None  # the AI's original is kept
    assert history[0].evaluation.criteria[0].rating == target.rating
    reviewed_once = history[1].evaluation
    assert reviewed_once.review is not None
    assert reviewed_once.criteria[0].rating == other
    assert [(o.id, o.ai_rating, o.rating) for o in reviewed_once.review.overrides] == [
        (target.id, target.rating, other)
    ]
    assert current is not None
    assert current.review is not None
    assert (current.passed, current.review.reviewer, current.review.ai_passed) == (
        True,
        "sup-1",
        ai.passed,
    )
    assert current.criteria[0].rating == target.rating  # the second review overrode nothing
    assert row is not None
    assert (row.status, row.phase, row.review_status) == ("completed", "completed", "done")


async def test_practice_and_unrequired_sessions_complete_without_review(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    trainee, assignment = await _assignment(sessionmaker, review_required=False)
    async with build_worker(client, load_settings(env="dev"), sessionmaker, task_queue=task_queue):
        handle, _ = await start_workflow(
            client, task_queue, user_id=trainee, assignment_id=assignment
        )
        await converse(handle, make_turns(12), end=EndConversation(reason="trainee_ended"))
        outcome = await handle.result()  # deterministic evaluator: this one asks for no human
        assert outcome.evaluation is not None
        assert not outcome.evaluation.needs_review
        assert outcome.phase == "completed"
        with pytest.raises(RPCError):  # the closed workflow takes no review
            await interface.SUBMIT_REVIEW.execute(handle, _review())


async def test_review_deadline_marks_overdue_and_nothing_is_auto_approved(
    time_env: WorkflowEnvironment, sessionmaker: SessionMaker, task_queue: str
) -> None:
    ts_client = time_env.client
    trainee, assignment = await _assignment(sessionmaker)
    async with build_worker(
        ts_client, load_settings(env="dev"), sessionmaker, task_queue=task_queue
    ):
        handle, ready = await start_workflow(
            ts_client, task_queue, user_id=trainee, assignment_id=assignment, with_start=False
        )
        await converse(handle, make_turns(12), end=EndConversation(reason="trainee_ended"))
        await _until_awaiting_review(handle)
        await time_env.sleep(timedelta(hours=73))  # past the 72 h review deadline

        async def overdue() -> bool:
            async with sessionmaker() as db:
                state = await db.scalar(
                    select(TrainingSession.review_status).where(
                        TrainingSession.id == ready.session_id
                    )
                )
            return state == "overdue"

        await eventually(overdue)
        status = await handle.query(TrainingSessionWorkflow.status)
        assert (status.phase, status.review_status) == ("awaiting_review", "overdue")
        assert (await handle.describe()).typed_search_attributes.get(REVIEW) == "overdue"
        await time_env.sleep(timedelta(days=30))  # still waiting: nothing is auto-approved
        assert (await handle.query(TrainingSessionWorkflow.status)).phase == "awaiting_review"
        result = await interface.SUBMIT_REVIEW.execute(handle, _review(passed=True))
        assert result.revision == 2
        outcome = await handle.result()  # the revision window passes in skipped time
        assert outcome.phase == "completed"
        await keep_history(handle, "review_overdue")
