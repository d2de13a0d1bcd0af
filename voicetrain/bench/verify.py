"""The whole truth after a run, from the workflows' typed outcomes and then the database."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from core.contracts.workflow import SessionOutcome
from workflows import policies
from workflows.interface import workflow_id

if TYPE_CHECKING:
    from voicetrain.bench.scenarios import Ctx


def outcome_deadline(ctx: Ctx) -> float:
    """How long a session may still take after its agent ended it, by the declared policies: the
    bounded wait for final turns, then the evaluation with its retries."""
    evaluate = policies.EVALUATE.schedule_to_close or policies.EVALUATE.start_to_close
    return ctx.stack.settings.final_turn_wait_seconds + min(evaluate.total_seconds(), 300.0)


async def verify(ctx: Ctx, sessions: list[uuid.UUID], turns: int) -> dict[str, Any]:
    """Every workflow's outcome is awaited first (rows are counted only once the sessions are
    done): no turn lost or duplicated, one evaluation each, abandonments by their reason."""

    async def outcome(sid: uuid.UUID) -> SessionOutcome | None:
        handle = ctx.client.get_workflow_handle(workflow_id(sid), result_type=SessionOutcome)
        try:
            result: SessionOutcome = await handle.result()
            return result
        except Exception:
            return None

    try:
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(outcome(s) for s in sessions)), timeout=outcome_deadline(ctx)
        )
    except TimeoutError:
        outcomes = [None] * len(sessions)
    async with ctx.db() as db:
        rows = (await db.execute(text(
            "SELECT s.id, count(t.seq), count(DISTINCT t.seq), min(t.seq), max(t.seq), "
            "(SELECT count(*) FROM evaluations e WHERE e.session_id = s.id) "
            "FROM training_sessions s LEFT JOIN transcript_turns t ON t.session_id = s.id "
            "WHERE s.id = ANY(:ids) GROUP BY s.id"), {"ids": sessions})).all()  # fmt: skip
    complete = sum(1 for r in rows if r[1] == r[2] == turns and r[3] == 0 and r[4] == turns - 1)
    abandoned = Counter(
        o.end_reason or "unknown" for o in outcomes if o is not None and o.phase == "abandoned"
    )
    return {
        "started": len(sessions),
        "completed": sum(1 for o in outcomes if o is not None and o.phase == "completed"),
        "abandoned": dict(abandoned),
        "unfinished": sum(1 for o in outcomes if o is None),
        "complete_transcript": complete,
        "exactly_one_evaluation": sum(1 for r in rows if r[5] == 1),
    }
