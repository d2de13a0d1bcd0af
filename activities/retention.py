"""Retention's one activity: purge the transcripts of sessions that ended longer ago than the
admin's policy allows, batch by batch, each batch in one transaction.

In a batch the Temporal histories are deleted first (they carry every turn's text) while the rows
are locked, then the turns go, the evaluation and its revisions lose their text and the sessions
are marked purged, and the transaction commits. So a purge mark always means the history is
deleted too: a crash before the commit leaves the batch unmarked, and the retry (or tomorrow's
run) deletes the histories again (deleting what is gone is not an error) and purges the rows.
Re-running after a commit finds nothing due: nothing is purged twice."""

from __future__ import annotations

import asyncio
import logging

from temporalio import activity
from temporalio.client import Client

from activities.heartbeat import heartbeating
from core.contracts.retention import PurgeExpiredTranscripts, PurgeResult
from core.db import retention
from core.db.engine import SessionMaker
from core.temporal import forget_history

log = logging.getLogger(__name__)


class RetentionActivities:
    def __init__(self, sessionmaker: SessionMaker, temporal: Client) -> None:
        self.db = sessionmaker
        self.temporal = temporal

    @activity.defn(name="purge_expired_transcripts")
    async def purge_expired_transcripts(self, request: PurgeExpiredTranscripts) -> PurgeResult:
        async with self.db() as db:
            days = (await retention.current_policy(db)).transcript_days
        result = PurgeResult(transcript_days=days)
        if days is None:  # keep forever
            return result
        async with heartbeating():
            while purged := await self._purge_batch(days, request.batch_size):
                sessions, turns = purged
                result.sessions += sessions
                result.turns += turns
                result.batches += 1
        log.info(
            "retention (%d days): purged %d sessions, %d turns",
            days, result.sessions, result.turns,
        )  # fmt: skip
        return result

    async def _purge_batch(self, days: int, size: int) -> tuple[int, int] | None:
        async with self.db() as db:
            due = (await db.execute(retention.due_for_purge(days, size))).all()
            if not due:
                return None
            await asyncio.gather(*(forget_history(self.temporal, wf) for _, wf in due))
            turns = await retention.purge_sessions(db, [sid for sid, _ in due])
            await db.commit()
        return len(due), turns
