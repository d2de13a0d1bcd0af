"""Storing transcript turns: one statement per batch, idempotent (ON CONFLICT DO NOTHING), and a
batch with a turn Postgres refuses for good is split so that turn is quarantined, not retried."""

from __future__ import annotations

import logging
import uuid

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError

from core.contracts.activities import PersistResult
from core.contracts.conversation import Turn
from core.db.engine import SessionMaker

log = logging.getLogger(__name__)

# One statement per batch whatever its size: six array parameters unnested server-side (a
# multi-VALUES insert binds six parameters per row and costs more to build than to run).
_PERSIST_TURNS = text(
    "INSERT INTO transcript_turns (session_id, seq, speaker, text, started_at, ended_at) "
    "SELECT * FROM unnest(CAST(:session_id AS uuid[]), CAST(:seq AS integer[]), "
    "CAST(:speaker AS varchar[]), CAST(:text AS text[]), CAST(:started_at AS timestamptz[]), "
    "CAST(:ended_at AS timestamptz[])) "
    "ON CONFLICT (session_id, seq) DO NOTHING"
)


def is_data_error(exc: DBAPIError) -> bool:
    """A permanent refusal of the data itself (SQLSTATE class 22, or a value the driver cannot
    encode), as opposed to a connection or server problem worth retrying."""
    if isinstance(exc, DataError):
        return True
    cause: BaseException | None = exc.orig
    while cause is not None:
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return True
        if isinstance(cause, asyncpg.exceptions.DataError):
            return True
        cause = cause.__cause__
    return False


async def store_turns(db: SessionMaker, session_id: uuid.UUID, turns: list[Turn]) -> PersistResult:
    """One statement for the batch; when Postgres refuses the data itself, turn by turn, and the
    refused turns are quarantined (reported, never retried) so the others are stored."""
    try:
        return PersistResult(inserted=await _insert(db, session_id, turns))
    except DBAPIError as exc:
        if not is_data_error(exc):
            raise  # connection trouble and the like: the retry policy takes it
    # A turn Postgres refuses permanently must not hold back the others (nor retry forever):
    # insert one at a time and quarantine the refused ones (the workflow counts them dropped).
    inserted, quarantined = 0, []
    for turn in turns:
        try:
            inserted += await _insert(db, session_id, [turn])
        except DBAPIError as exc:
            if not is_data_error(exc):
                raise
            log.warning(
                "quarantined turn seq=%d of session %s: %s",
                turn.seq, session_id, type(exc.orig).__name__,
            )  # fmt: skip
            quarantined.append(turn.seq)
    return PersistResult(inserted=inserted, quarantined=quarantined)


async def _insert(db: SessionMaker, session_id: uuid.UUID, turns: list[Turn]) -> int:
    params = {
        "session_id": [session_id] * len(turns),
        "seq": [t.seq for t in turns],
        "speaker": [t.speaker for t in turns],
        "text": [t.text for t in turns],
        "started_at": [t.started_at for t in turns],
        "ended_at": [t.ended_at for t in turns],
    }
    async with db() as session:
        result = await session.execute(_PERSIST_TURNS, params)
        await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
