"""The audit trail: GET /v1/audit (a page, newest first) and, for admins, the export."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy import Select, select

from api.audit.queries import visible_events
from api.deps import AdminUser, CurrentUser, DbDep
from api.errors import responses
from core.contracts.rest_audit import AuditEventView, AuditPage
from core.db.models import AuditEvent
from core.security import Principal

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=responses(401, 422))
EXPORT_LIMIT = 100_000


def audit_view(e: AuditEvent) -> AuditEventView:
    return AuditEventView(
        id=e.id, at=e.at, actor_id=e.actor_id, actor_role=e.actor_role, action=e.action,
        object_type=e.object_type, object_id=e.object_id, session_id=e.session_id,
        subject_user_id=e.subject_user_id, client_ip=e.client_ip, user_agent=e.user_agent,
    )  # fmt: skip


def _visible(user: Principal, session_id: uuid.UUID | None) -> Select[AuditEvent]:
    query = select(AuditEvent).where(visible_events(user)).order_by(AuditEvent.id.desc())
    if session_id is not None:
        query = query.where(AuditEvent.session_id == session_id)
    return query


@router.get(
    "",
    response_model=AuditPage,
    summary="Who read or changed what, newest first: admins all; supervisors their trainees' "
    "assessed and shared sessions; everyone the events about their own practice and own acts",
)
async def get_audit(
    user: CurrentUser,
    db: DbDep,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    session_id: uuid.UUID | None = None,
) -> AuditPage:
    query = _visible(user, session_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    items = [audit_view(e) for e in await db.scalars(query.limit(limit + 1))]
    return AuditPage(
        items=items[:limit], next_before=items[limit - 1].id if len(items) > limit else None
    )


@router.get(
    "/export",
    response_model=list[AuditEventView],
    responses={**responses(403), 200: {"content": {"text/csv": {}}}},
    summary="The whole trail (admins): JSON, or CSV with format=csv",
)
async def export_audit(
    user: AdminUser,
    db: DbDep,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    session_id: uuid.UUID | None = None,
) -> Response:
    rows = [audit_view(e) for e in await db.scalars(_visible(user, session_id).limit(EXPORT_LIMIT))]
    if format == "json":
        body = "[" + ",".join(r.model_dump_json() for r in rows) + "]"
        return Response(body, media_type="application/json")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AuditEventView.model_fields)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r.model_dump(mode="json").values()])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
