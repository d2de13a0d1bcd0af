"""The retention policy (admins only): after how many days a finished session's transcript is
purged, its scores kept. docs/security.md "Retention"."""

from __future__ import annotations

from fastapi import APIRouter

from api.audit.service import AuditDep
from api.deps import AdminUser, DbDep
from api.errors import responses
from api.retention import service
from core.contracts.rest_retention import RetentionPolicySet, RetentionPolicyView

router = APIRouter(prefix="/v1/admin/retention", tags=["admin"], responses=responses(401, 403, 422))


@router.get("", response_model=RetentionPolicyView, summary="The retention policy")
async def get_retention(user: AdminUser, db: DbDep) -> RetentionPolicyView:
    return await service.get_policy(db)


@router.put(
    "",
    response_model=RetentionPolicyView,
    summary="Set the retention policy (idempotent; audited as retention.set)",
)
async def put_retention(
    body: RetentionPolicySet, user: AdminUser, audit: AuditDep
) -> RetentionPolicyView:
    return await service.set_policy(audit, body)
