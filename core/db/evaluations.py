"""The one home of evaluation queries: the current evaluation of a session (one row in
`evaluations`) and its append-only history (`evaluation_revisions`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.contracts.evaluation import Evaluation, EvaluationRevisionView, RevisionKind
from core.db.convert import evaluation_to_row, row_to_evaluation
from core.db.models import EvaluationRevision, EvaluationRow


def _current(session_id: uuid.UUID) -> Select[EvaluationRow]:
    """The statement of a session's current evaluation row (every reader builds on it)."""
    return select(EvaluationRow).where(EvaluationRow.session_id == session_id)


def is_reviewed() -> ColumnElement[bool]:
    """The current evaluation carries a supervisor's review (its JSON `review` is not null)."""
    return func.jsonb_typeof(EvaluationRow.evaluation["review"]) == "object"


async def current_evaluation(db: AsyncSession, session_id: uuid.UUID) -> Evaluation | None:
    row = await db.scalar(_current(session_id))
    return row_to_evaluation(row) if row is not None else None


async def insert_first_evaluation(db: AsyncSession, evaluation: Evaluation) -> Evaluation:
    """Insert-or-return-existing: the first evaluation of a session becomes its current row and
    revision 1 (kind 'ai'); a re-run returns what is stored. The caller commits."""
    inserted = await db.scalar(
        insert(EvaluationRow)
        .values(id=uuid.uuid4(), **evaluation_to_row(evaluation))
        .on_conflict_do_nothing(index_elements=["session_id"])
        .returning(EvaluationRow.id)
    )
    if inserted is not None:
        await record_revision(db, evaluation, "ai", revision=1)
    stored = await current_evaluation(db, evaluation.session_id)
    assert stored is not None
    return stored


async def record_revision(
    db: AsyncSession,
    evaluation: Evaluation,
    kind: RevisionKind,
    *,
    revision: int | None = None,
    review_id: uuid.UUID | None = None,
) -> int:
    """Append `evaluation` to its session's history; returns the revision number. Idempotent for
    an explicit `revision` (a retried insert of the same revision is a no-op)."""
    if revision is None:
        latest = await db.scalar(
            select(func.max(EvaluationRevision.revision)).where(
                EvaluationRevision.session_id == evaluation.session_id
            )
        )
        revision = (latest or 0) + 1
    await db.execute(
        insert(EvaluationRevision)
        .values(
            id=uuid.uuid4(),
            session_id=evaluation.session_id,
            revision=revision,
            kind=kind,
            overall_score=evaluation.overall_score,
            passed=evaluation.passed,
            evaluator_name=evaluation.evaluator.name,
            evaluator_version=evaluation.evaluator.version,
            evaluation=evaluation_to_row(evaluation)["evaluation"],
            created_at=evaluation.created_at,
            review_id=review_id,
            reviewer=evaluation.review.reviewer if evaluation.review else None,
        )
        .on_conflict_do_nothing(index_elements=["session_id", "revision"])
    )
    return revision


async def replace_current(
    db: AsyncSession,
    evaluation: Evaluation,
    kind: RevisionKind,
    *,
    review_id: uuid.UUID | None = None,
    locked: bool = False,
) -> int:
    """Make `evaluation` the session's current one and append it as a new revision. The current
    row is locked first (unless the caller holds the lock), so concurrent re-scores of one
    session get consecutive revisions."""
    if not locked:
        await lock_current(db, evaluation.session_id)
    values = evaluation_to_row(evaluation)
    values.pop("session_id")
    await db.execute(
        update(EvaluationRow)
        .where(EvaluationRow.session_id == evaluation.session_id)
        .values(**values, updated_at=datetime.now(UTC))
    )
    return await record_revision(db, evaluation, kind, review_id=review_id)


async def lock_current(db: AsyncSession, session_id: uuid.UUID) -> Evaluation:
    """The current evaluation, its row locked until the caller's transaction ends."""
    row = await db.scalar(_current(session_id).with_for_update())
    if row is None:
        raise LookupError(f"session {session_id} has no evaluation to replace")
    return row_to_evaluation(row)


async def latest_ai_revision(db: AsyncSession, session_id: uuid.UUID) -> Evaluation | None:
    """The newest evaluation the AI produced (first result or re-score): what a review overrides."""
    found = await db.scalar(
        select(EvaluationRevision.evaluation)
        .where(EvaluationRevision.session_id == session_id, EvaluationRevision.kind != "review")
        .order_by(EvaluationRevision.revision.desc())
        .limit(1)
    )
    return Evaluation.model_validate(found) if found is not None else None


async def review_revision(db: AsyncSession, review_id: uuid.UUID) -> EvaluationRevision | None:
    return await db.scalar(
        select(EvaluationRevision).where(EvaluationRevision.review_id == review_id)
    )


async def list_revisions(db: AsyncSession, session_id: uuid.UUID) -> list[EvaluationRevisionView]:
    rows = await db.scalars(
        select(EvaluationRevision)
        .where(EvaluationRevision.session_id == session_id)
        .order_by(EvaluationRevision.revision)
    )
    return [
        EvaluationRevisionView(
            revision=r.revision,
            kind=r.kind,
            evaluator=f"{r.evaluator_name} {r.evaluator_version}",
            overall_score=r.overall_score,
            passed=r.passed,
            created_at=r.created_at,
            evaluation=Evaluation.model_validate(r.evaluation),
        )
        for r in rows
    ]
