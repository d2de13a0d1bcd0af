"""The current evaluation is stored once, as the JSON every revision holds (migration 0005):
its filter columns are generated from it, and evaluations stored in the old column shape come
back unchanged through the migration (down and up again)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from core.contracts.evaluation import Evaluation
from core.contracts.review import ReviewInfo
from core.db.engine import SessionMaker, make_engine, make_sessionmaker
from core.db.evaluations import current_evaluation, insert_first_evaluation, list_revisions
from core.db.models import EvaluationRow, Scenario, TrainingSession, User
from core.scenarios.library import import_scenarios, load_library
from core.scenarios.schema import RubricDef
from evaluation.combine import combine
from tests.helpers import make_turns
from voicetrain.migrate import downgrade, upgrade


@pytest.fixture
async def fresh_db(database_url: str) -> AsyncIterator[tuple[str, SessionMaker]]:
    """A database of its own: migrating it down and up touches no other test's data."""
    name = f"stored_once_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url, pool_size=1)
    async with admin.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
            text(f"CREATE DATABASE {name}")
        )
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url, pool_size=2)
    try:
        yield url, make_sessionmaker(engine)
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                text(f"DROP DATABASE {name} WITH (FORCE)")
            )
        await admin.dispose()


async def _reviewed_evaluation(sm: SessionMaker) -> Evaluation:
    async with sm() as db:
        await import_scenarios(db, load_library())
        scenario = await db.scalar(
            select(Scenario).where(Scenario.slug == "anxious-college-student")
        )
        assert scenario is not None
        sid = uuid.uuid4()
        db.add(User(id="u-once", role="trainee"))
        await db.flush()
        db.add(
            TrainingSession(
                id=sid,
                user_id="u-once",
                scenario_id=scenario.id,
                attempt=1,
                room_name=f"room-{sid}",
                workflow_id=f"wf-{sid}",
            )
        )
        await db.flush()
        ai = combine(
            session_id=sid,
            turns=make_turns(6),
            rubric=RubricDef.model_validate(scenario.rubric),
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            created_at=datetime.now(UTC),
        )
        reviewed = ai.model_copy(
            update={
                "review": ReviewInfo(
                    review_id=uuid.uuid4(),
                    reviewer="u-lead",
                    at=datetime.now(UTC),
                    comment="ok",
                    passed=not ai.passed,
                    ai_passed=ai.passed,
                    ai_overall_score=ai.overall_score,
                    overrides=[],
                    red_flags=[],
                )
            }
        )
        await insert_first_evaluation(db, reviewed)
        await db.commit()
    return reviewed


async def test_the_columns_are_generated_from_the_one_document(
    fresh_db: tuple[str, SessionMaker],
) -> None:
    _, sm = fresh_db
    stored = await _reviewed_evaluation(sm)
    async with sm() as db:
        row = await db.scalar(select(EvaluationRow))
        history = await list_revisions(db, stored.session_id)
    assert row is not None
    assert (row.overall_score, row.passed, row.needs_review) == (
        stored.overall_score,
        stored.passed,
        stored.needs_review,
    )
    assert row.evaluation == history[0].evaluation.model_dump(mode="json")


async def test_the_migration_keeps_every_stored_evaluation(
    fresh_db: tuple[str, SessionMaker],
) -> None:
    url, sm = fresh_db
    stored = await _reviewed_evaluation(sm)
    await asyncio.to_thread(downgrade, url, "0004")
    async with sm() as db:  # the old shape: one column per part
        old = (await db.execute(text("SELECT criteria, review FROM evaluations"))).one()
    assert old.criteria == {"items": [c.model_dump(mode="json") for c in stored.criteria]}
    assert old.review["review_id"] == str(stored.review.review_id if stored.review else None)
    await asyncio.to_thread(upgrade, url)
    async with sm() as db:
        assert await current_evaluation(db, stored.session_id) == stored
