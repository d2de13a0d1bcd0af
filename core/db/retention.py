"""The one home of retention's statements: the deployment's policy (read by the API and the
retention activity alike), which sessions are due for a purge, and the purge of one batch.

A purge removes what carries the conversation's text and keeps what a score needs: the
transcript turns go; the evaluation and every revision of it keep their scores, ratings,
criterion and red-flag ids and severity, and lose their quotes, feedback and comments. The
caller owns the unit of work (one transaction per batch) and the Temporal history."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.contracts.evaluation import Evaluation
from core.db.models import (
    EvaluationRevision,
    EvaluationRow,
    RetentionPolicy,
    TrainingSession,
    TranscriptTurn,
)
from core.status import TERMINAL_PHASES

POLICY_ID = 1  # the one row (migration 0010 inserts it)


async def current_policy(db: AsyncSession) -> RetentionPolicy:
    policy = await db.get(RetentionPolicy, POLICY_ID)
    assert policy is not None, "migration 0010 inserts the policy row"
    return policy


async def set_transcript_days(db: AsyncSession, days: int | None, by: str) -> bool:
    """Set the policy; True when it changed (the same value again changes nothing, not even who
    set it and when). The caller commits."""
    changed = await db.scalar(
        update(RetentionPolicy)
        .where(
            RetentionPolicy.id == POLICY_ID,
            RetentionPolicy.transcript_days.is_distinct_from(days),
        )
        .values(transcript_days=days, set_by=by, set_at=func.now())
        .returning(RetentionPolicy.id)
    )
    return changed is not None


def due_for_purge(days: int, limit: int) -> Select[uuid.UUID, str]:
    """Up to `limit` sessions that ended more than `days` ago and are not purged yet, locked (a
    concurrent run skips them). Only finished sessions: a session awaiting a supervisor's review
    has ended but its workflow still runs, and an active one is never touched."""
    return (
        select(TrainingSession.id, TrainingSession.workflow_id)
        .where(
            TrainingSession.transcripts_purged_at.is_(None),
            TrainingSession.status != "active",
            TrainingSession.phase.in_(TERMINAL_PHASES),
            TrainingSession.ended_at < func.now() - timedelta(days=days),
        )
        .order_by(TrainingSession.ended_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def purge_sessions(db: AsyncSession, session_ids: list[uuid.UUID]) -> int:
    """Purge the transcripts of these (locked) sessions and mark them purged; returns how many
    turns were deleted. The caller commits."""
    deleted = await db.execute(
        delete(TranscriptTurn).where(TranscriptTurn.session_id.in_(session_ids))
    )
    current = await db.scalars(
        select(EvaluationRow).where(EvaluationRow.session_id.in_(session_ids)).with_for_update()
    )
    for row in current:
        row.evaluation = _stripped(row.evaluation)
    revisions = await db.scalars(
        select(EvaluationRevision).where(EvaluationRevision.session_id.in_(session_ids))
    )
    for revision in revisions:
        revision.evaluation = _stripped(revision.evaluation)
    await db.execute(
        update(TrainingSession)
        .where(TrainingSession.id.in_(session_ids))
        .values(transcripts_purged_at=func.now())
    )
    return int(deleted.rowcount)  # type: ignore[attr-defined]  # Result lacks rowcount in the stubs


def _stripped(document: dict[str, Any]) -> dict[str, Any]:
    return without_transcript_text(Evaluation.model_validate(document)).model_dump(mode="json")


def without_transcript_text(evaluation: Evaluation) -> Evaluation:
    """What retention keeps of an evaluation: the overall score and pass/fail, every criterion's
    id, title, weight, rating and score, every red flag's id, title, severity and turn number, the
    metrics' counts, who reviewed and what they decided. Gone: every quote and evidence, the
    feedback and better alternatives (they quote or paraphrase the turns), the reviewer's
    comments (they may quote them too) and a judge failure's reason (it may echo the reply)."""
    kept = evaluation.model_copy(deep=True)
    for criterion in kept.criteria:
        criterion.evidence = []
        criterion.feedback = ""
        criterion.better_alternative = None
    for flag in kept.red_flags:
        flag.quote = ""
        flag.why = ""
        flag.better_alternative = None
    crisis = kept.metrics.crisis
    if crisis is not None:
        crisis.warning_sign_quote = None
        for step in crisis.steps:
            step.quote = None
    if kept.review is not None:
        kept.review.comment = None
        for override in kept.review.overrides:
            override.comment = None
        for decision in kept.review.red_flags:
            decision.comment = None
    kept.evaluator.reason = None
    kept.transcript_purged = True
    return kept
