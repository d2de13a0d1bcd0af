"""REST bodies of `/v1/admin/retention`: the deployment's retention policy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictInt

from core.contracts.base import Contract

# At most a century: a bound, so a typo cannot overflow the column.
TranscriptDays = Annotated[StrictInt, Field(ge=1, le=36_500)]


class RetentionPolicySet(Contract):
    """PUT /v1/admin/retention: the whole policy (idempotent: the same body twice is one change)."""

    transcript_days: TranscriptDays | None = Field(
        description=(
            "purge the transcript of a session this many days after it ended (its scores are "
            "kept); null keeps transcripts forever"
        )
    )


class RetentionPolicyView(Contract):
    transcript_days: int | None = Field(description="null: transcripts are kept forever")
    set_by: str | None = Field(description="the admin who last changed it; null: never changed")
    set_at: datetime | None
