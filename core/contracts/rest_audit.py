"""The audit trail over REST: who read or changed what, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from core.contracts.base import Contract

AuditAction = Literal[
    "transcript.read",
    "evaluation.read",
    "reviews.read",
    "revisions.read",
    "review.submit",
    "assignment.create",
    "session.delete",
]


class AuditEventView(Contract):
    id: int
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    session_id: UUID | None
    subject_user_id: str | None
    client_ip: str | None
    user_agent: str | None


class AuditPage(Contract):
    items: list[AuditEventView]
    next_before: int | None  # pass as ?before= for the next (older) page
