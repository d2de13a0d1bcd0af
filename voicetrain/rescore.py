"""`voicetrain rescore [--session ID | --all]`: re-evaluate stored transcripts with the current
deterministic evaluator and the latest imported rubric of each session's scenario. The session's
current evaluation is replaced and the new result appended as a revision (kind 'rescore'); every
earlier revision is kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.evaluating import evaluate_stored
from core.contracts.evaluation import Evaluation
from core.db.convert import row_to_turn
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation, replace_current
from core.db.models import EvaluationRow, Scenario, TrainingSession, TranscriptTurn


@dataclass(frozen=True)
class Rescored:
    session_id: uuid.UUID
    revision: int
    before: Evaluation
    after: Evaluation


async def _latest_scenario(db: AsyncSession, scenario_id: uuid.UUID) -> Scenario:
    played = await db.get(Scenario, scenario_id)
    assert played is not None
    latest = await db.scalar(
        select(Scenario)
        .where(Scenario.slug == played.slug)
        .order_by(Scenario.version.desc())
        .limit(1)
    )
    return latest or played


async def rescore_session(sm: SessionMaker, session_id: uuid.UUID) -> Rescored | None:
    """None when the session has no evaluation yet (nothing to re-score)."""
    async with sm() as db:
        before = await current_evaluation(db, session_id)
        session = await db.get(TrainingSession, session_id)
        if before is None or session is None:
            return None
        scenario = await _latest_scenario(db, session.scenario_id)
        rows = await db.scalars(
            select(TranscriptTurn)
            .where(TranscriptTurn.session_id == session_id)
            .order_by(TranscriptTurn.seq)
        )
        turns = [row_to_turn(r) for r in rows]
        after = evaluate_stored(scenario, session_id, turns)
        revision = await replace_current(db, after, "rescore")
        await db.commit()
    return Rescored(session_id, revision, before, after)


async def evaluated_sessions(sm: SessionMaker) -> list[uuid.UUID]:
    async with sm() as db:
        return list(
            await db.scalars(select(EvaluationRow.session_id).order_by(EvaluationRow.created_at))
        )


async def run_rescore(database_url: str, *, session: uuid.UUID | None, all_sessions: bool) -> int:
    from core.db.engine import make_engine, make_sessionmaker

    engine = make_engine(database_url, pool_size=2)
    try:
        sm = make_sessionmaker(engine)
        ids = await evaluated_sessions(sm) if all_sessions else [session] if session else []
        changed = missing = 0
        for sid in ids:
            result = await rescore_session(sm, sid)
            if result is None:
                missing += 1
                print(f"{sid}: no evaluation to re-score")
                continue
            b, a = result.before, result.after
            moved = (b.overall_score, b.passed) != (a.overall_score, a.passed)
            changed += moved
            print(
                f"{sid}: revision {result.revision}: {b.overall_score:g} "
                f"({b.evaluator.name} {b.evaluator.version}) -> {a.overall_score:g} "
                f"({a.evaluator.name} {a.evaluator.version}){'  changed' if moved else ''}"
                + ("  needs review" if a.needs_review else "")
            )
        print(f"re-scored {len(ids) - missing} session(s), {changed} changed")
        return 1 if missing and not all_sessions else 0
    finally:
        await engine.dispose()
