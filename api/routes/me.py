"""GET /v1/me/export: everything held about the caller, as one JSON document."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from sqlalchemy import or_, select

from api.audit.service import AuditDep
from api.deps import CurrentUser, DbDep
from api.errors import responses
from api.routes.audit import audit_view
from core.contracts.rest_audit import ExportedSession, MyExport
from core.db import queries
from core.db.convert import row_to_turn
from core.db.evaluations import current_evaluation, list_revisions
from core.db.models import AuditEvent, Scenario, TrainingSession, User

router = APIRouter(prefix="/v1/me", tags=["me"], responses=responses(401))


@router.get("/export", response_model=MyExport, summary="Everything held about you (JSON)")
async def export_me(user: CurrentUser, db: DbDep, audit: AuditDep) -> MyExport:
    profile = await db.get(User, user.id)
    rows = (
        await db.execute(
            select(TrainingSession, Scenario)
            .join(Scenario, Scenario.id == TrainingSession.scenario_id)
            .where(TrainingSession.user_id == user.id)
            .order_by(TrainingSession.created_at)
        )
    ).all()
    sessions = [await _session(db, s, sc) for s, sc in rows]
    events = await db.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.subject_user_id == user.id, AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.id)
    )
    audit.add("me.export", "user", user.id, subject_user_id=user.id)
    await db.commit()
    return MyExport(
        user_id=user.id,
        role=user.role,
        email=profile.email if profile else None,
        name=profile.name if profile else None,
        exported_at=datetime.now(UTC),
        sessions=sessions,
        audit_events=[audit_view(e) for e in events],
    )


async def _session(db: DbDep, s: TrainingSession, scenario: Scenario) -> ExportedSession:
    turns = await queries.transcript(db, s.id)
    return ExportedSession(
        id=s.id, scenario_slug=scenario.slug, scenario_version=scenario.version,
        assignment_id=s.assignment_id, status=s.status, phase=s.phase, created_at=s.created_at,
        ended_at=s.ended_at, shared_at=s.shared_at, turns=[row_to_turn(t) for t in turns],
        evaluation=await current_evaluation(db, s.id), revisions=await list_revisions(db, s.id),
    )  # fmt: skip
