"""The audit trail over REST: who read or changed what, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from core.contracts.base import Contract
from core.contracts.conversation import Turn
from core.contracts.evaluation import Evaluation, EvaluationRevisionView

AuditAction = Literal[
    "transcript.read",
    "evaluation.read",
    "reviews.read",
    "reviews.list",
    "revisions.read",
    "review.submit",
    "assignment.create",
    "session.delete",
    "me.export",
    "scenario.create",
    "scenario.edit",
    "scenario.publish",
    "scenario.archive",
    "calibration.label",
    "scenario.calibrate",
    "retention.set",
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


class ExportedSession(Contract):
    id: UUID
    scenario_slug: str
    scenario_version: int
    assignment_id: UUID | None
    status: str
    phase: str
    created_at: datetime
    ended_at: datetime | None
    shared_at: datetime | None
    turns: list[Turn]
    evaluation: Evaluation | None
    revisions: list[EvaluationRevisionView]


class MyExport(Contract):
    """Everything voicetrain holds about the caller (GET /v1/me/export)."""

    user_id: str
    role: str
    email: str | None
    name: str | None
    exported_at: datetime
    sessions: list[ExportedSession]
    audit_events: list[AuditEventView]
