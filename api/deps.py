"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.admission import Admission
from api.metrics import Metrics
from core.db.engine import SessionMaker
from core.db.models import User
from core.errors import Forbidden, Unauthorized
from core.security import (
    InvalidToken,
    Principal,
    secrets_equal,
    session_bridge_token,
    verify_jwt,
)
from core.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="JWT with claims sub, role, email, name")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_sessionmaker(request: Request) -> SessionMaker:
    sm: SessionMaker = request.app.state.sessionmaker
    return sm


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_sessionmaker(request)() as db:
        yield db


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
DbDep = Annotated[AsyncSession, Depends(get_db)]


async def current_user(
    request: Request,
    settings: SettingsDep,
    db: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    try:
        if settings.jwt_jwks_url:  # fetching the JWKS is blocking I/O: keep it off the event loop
            principal = await asyncio.to_thread(verify_jwt, credentials.credentials, settings)
        else:
            principal = verify_jwt(credentials.credentials, settings)
    except InvalidToken as exc:
        raise Unauthorized("invalid or expired token") from exc
    # Provision on first request; keep role and profile in step with the token. A principal this
    # process already wrote unchanged needs no write (the upsert is idempotent either way).
    provisioned: dict[str, Principal] = request.app.state.provisioned
    if provisioned.get(principal.id) == principal:
        return principal
    statement = insert(User).values(
        id=principal.id, role=principal.role, email=principal.email, name=principal.name
    )
    await db.execute(
        statement.on_conflict_do_update(
            index_elements=[User.id],
            set_={
                "role": statement.excluded.role,
                "email": statement.excluded.email,
                "name": statement.excluded.name,
            },
            where=(User.role != statement.excluded.role)
            | User.email.is_distinct_from(statement.excluded.email)
            | User.name.is_distinct_from(statement.excluded.name),
        )
    )
    await db.commit()
    if len(provisioned) > 10_000:
        provisioned.clear()
    provisioned[principal.id] = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


async def require_staff(user: CurrentUser) -> Principal:
    if user.role not in ("supervisor", "admin"):
        raise Forbidden("only supervisors and admins can do this")
    return user


StaffUser = Annotated[Principal, Depends(require_staff)]


async def require_admin(user: CurrentUser) -> Principal:
    if user.role != "admin":
        raise Forbidden("only admins can do this")
    return user


AdminUser = Annotated[Principal, Depends(require_admin)]


async def require_bridge_credential(
    session_id: uuid.UUID,
    settings: SettingsDep,
    token: Annotated[str | None, Header(alias="X-Bridge-Token", include_in_schema=True)] = None,
) -> None:
    """The agent's bridge credential is scoped to the one session in the path; during a key
    rotation one derived from the previous key is accepted too (docs/security.md)."""
    keys = [k for k in (settings.internal_service_key, settings.internal_service_key_previous) if k]
    # every key is compared (no early exit), so timing does not tell which one matched
    matches = [
        secrets_equal(token, session_bridge_token(k.get_secret_value(), session_id)) for k in keys
    ]
    if settings.internal_service_key is None or not any(matches):
        raise Unauthorized("invalid bridge credentials for this session")


def get_admission(request: Request) -> Admission:
    admission: Admission = request.app.state.admission
    return admission


AdmissionDep = Annotated[Admission, Depends(get_admission)]


def start_gate(admission: AdmissionDep) -> None:
    """A session start refused by the global start rate before it costs anything: run ahead of
    the token check and the user's provisioning (Admission.refuse_early)."""
    admission.refuse_early()


# The one declaration of the Idempotency-Key header (same key + same user -> same effect).
# Visible ASCII only: the key travels on as a storable one-line id (no tab, no space), and a
# header the edge lets through (RFC 9110 allows tabs) must not reach the contract invalid (500).
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$"),
]
