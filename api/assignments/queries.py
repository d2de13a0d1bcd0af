"""Assignments with what the API shows of them, in one statement: attempts used, best score and
the derived status, all computed in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.sql import Select

from core.db.evaluations import is_reviewed
from core.db.models import Assignment, EvaluationRow, Scenario, TrainingSession
from core.db.queries import trainees_led_by
from core.security import Principal


def _attempts() -> Any:
    return (
        select(func.count())
        .where(TrainingSession.assignment_id == Assignment.id)
        .correlate(Assignment)
        .scalar_subquery()
    )


def _any_session(*conditions: Any) -> Any:
    return exists().where(TrainingSession.assignment_id == Assignment.id, *conditions)


def assignment_status() -> Any:
    """`passed`: an attempt passed (a reviewed one by the supervisor's verdict, else by the AI's
    and reaching `min_score`); `awaiting_review`: an attempt waits for its review;
    `in_progress`: an attempt is running; `failed`: every attempt used; `overdue`: past due;
    `in_progress` again when attempts were made and some remain; else `not_started`."""
    evaluated_pass = (
        select(literal(1))
        .select_from(TrainingSession)
        .join(EvaluationRow, EvaluationRow.session_id == TrainingSession.id)
        .where(
            TrainingSession.assignment_id == Assignment.id,
            EvaluationRow.passed.is_(True),
            or_(
                is_reviewed(),
                and_(
                    ~Assignment.review_required,
                    or_(
                        Assignment.min_score.is_(None),
                        EvaluationRow.overall_score >= Assignment.min_score,
                    ),
                ),
            ),
        )
        .correlate(Assignment)
        .exists()
    )
    attempts = _attempts()
    return case(
        (evaluated_pass, "passed"),
        (_any_session(TrainingSession.phase == "awaiting_review"), "awaiting_review"),
        (_any_session(TrainingSession.status == "active"), "in_progress"),
        (attempts >= Assignment.max_attempts, "failed"),
        (and_(Assignment.due_at.is_not(None), Assignment.due_at < func.now()), "overdue"),
        (attempts > 0, "in_progress"),
        else_="not_started",
    )


def _best_score() -> Any:
    return (
        select(func.max(EvaluationRow.overall_score))
        .join(TrainingSession, TrainingSession.id == EvaluationRow.session_id)
        .where(TrainingSession.assignment_id == Assignment.id)
        .correlate(Assignment)
        .scalar_subquery()
    )


def assignments_for(user: Principal) -> Select[Any]:
    """A trainee's own assignments; a supervisor's those they made or of their teams' trainees;
    every one for an admin. Rows: (Assignment, slug, attempts used, status, best score)."""
    query = select(
        Assignment,
        Scenario.slug,
        _attempts().label("used"),
        assignment_status().label("status"),
        _best_score().label("best"),
    ).join(Scenario, Scenario.id == Assignment.scenario_id)
    if user.role == "trainee":
        query = query.where(Assignment.trainee_id == user.id)
    elif user.role == "supervisor":
        query = query.where(
            or_(
                Assignment.assigned_by == user.id,
                Assignment.trainee_id.in_(trainees_led_by(user.id)),
            )
        )
    return query
