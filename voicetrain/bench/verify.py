"""The whole truth after a run, from the database and the workflows' typed outcomes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import text

from core.contracts import SessionOutcome, session_workflow_id

if TYPE_CHECKING:
    from voicetrain.bench.scenarios import Ctx


async def verify(ctx: Ctx, sessions: list[uuid.UUID], turns: int) -> dict[str, int]:
    """The whole truth from the database: no turn lost or duplicated, one evaluation each."""
    async with ctx.db() as db:
        rows = (await db.execute(text(
            "SELECT s.id, count(t.seq), count(DISTINCT t.seq), min(t.seq), max(t.seq), "
            "(SELECT count(*) FROM evaluations e WHERE e.session_id = s.id) "
            "FROM training_sessions s LEFT JOIN transcript_turns t ON t.session_id = s.id "
            "WHERE s.id = ANY(:ids) GROUP BY s.id"), {"ids": sessions})).all()  # fmt: skip
    complete = sum(1 for r in rows if r[1] == r[2] == turns and r[3] == 0 and r[4] == turns - 1)
    completed = 0
    for sid in sessions:
        try:
            outcome = await ctx.client.get_workflow_handle(
                session_workflow_id(sid), result_type=SessionOutcome
            ).result()
            completed += 1 if outcome.phase == "completed" else 0
        except Exception:
            pass
    return {
        "started": len(sessions),
        "completed": completed,
        "complete_transcript": complete,
        "exactly_one_evaluation": sum(1 for r in rows if r[5] == 1),
    }
