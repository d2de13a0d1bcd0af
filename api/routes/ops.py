"""Health, readiness and metrics for operators."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import MetricsDep, TemporalDep
from core.contracts.rest import HealthStatus

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=HealthStatus, summary="The process is up")
async def healthz() -> HealthStatus:
    return HealthStatus(status="ok")


async def _db_ok(request: Request) -> bool:
    try:
        async with request.app.state.sessionmaker() as db:
            await asyncio.wait_for(db.execute(text("SELECT 1")), timeout=2)
        return True
    except Exception:
        return False


async def _temporal_ok(temporal: TemporalDep) -> bool:
    try:
        return bool(await temporal.service_client.check_health(timeout=timedelta(seconds=2)))
    except Exception:
        return False


@router.get(
    "/readyz",
    response_model=HealthStatus,
    responses={503: {"model": HealthStatus, "description": "a dependency is unreachable"}},
    summary="Postgres and Temporal are reachable",
)
async def readyz(request: Request, temporal: TemporalDep) -> JSONResponse:
    db, tmp = await asyncio.gather(_db_ok(request), _temporal_ok(temporal))
    ok = db and tmp
    body = HealthStatus(
        status="ok" if ok else "unavailable", checks={"database": db, "temporal": tmp}
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(m: MetricsDep) -> Response:
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
