"""What the retention workflow and its activity say to each other (ids and counts only)."""

from __future__ import annotations

from pydantic import Field

from core.contracts.base import Contract

# Sessions purged per transaction: small enough that a batch's row locks and Temporal deletions
# take a moment, large enough that a backlog of thousands clears in one run.
PURGE_BATCH_SIZE = 50


class RetentionRun(Contract):
    """The RetentionWorkflow's input (the schedule's action carries it)."""

    batch_size: int = Field(PURGE_BATCH_SIZE, ge=1, le=1000)


class PurgeExpiredTranscripts(Contract):
    batch_size: int = Field(PURGE_BATCH_SIZE, ge=1, le=1000)


class PurgeResult(Contract):
    transcript_days: int | None = Field(description="the policy the run applied (null: none)")
    sessions: int = Field(0, description="sessions purged by this run")
    turns: int = Field(0, description="transcript turns deleted")
    batches: int = Field(0, description="transactions committed")
