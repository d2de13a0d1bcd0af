"""The deployment's retention policy over REST: admins read and set it; a change is audited in
the transaction that makes it. The purge itself runs in the worker (workflows/retention.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import Auditor
from core.contracts.rest_retention import RetentionPolicySet, RetentionPolicyView
from core.db import retention


async def get_policy(db: AsyncSession) -> RetentionPolicyView:
    policy = await retention.current_policy(db)
    return RetentionPolicyView(
        transcript_days=policy.transcript_days, set_by=policy.set_by, set_at=policy.set_at
    )


async def set_policy(audit: Auditor, body: RetentionPolicySet) -> RetentionPolicyView:
    """Idempotent: the same policy again is no change and records no event. The event's object
    id names the new value (the trail then tells what each admin set, not only that they did)."""
    days = body.transcript_days
    if await retention.set_transcript_days(audit.db, days, audit.user.id):
        audit.add("retention.set", "retention_policy", f"transcript_days={days or 'forever'}")
    await audit.db.commit()
    return await get_policy(audit.db)
