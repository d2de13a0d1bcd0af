"""The FastAPI application: thin routes over Temporal and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api.admission import Admission
from api.console.routes import config_router, dev_router
from api.console.static_files import mount_console
from api.errors import install_error_handlers
from api.limits import BodySizeLimit, HeaderText
from api.metrics import Metrics, MetricsMiddleware
from api.routes import (
    assignments,
    audit,
    calibration,
    insights,
    internal,
    livekit_webhook,
    me,
    ops,
    red_flags,
    retention,
    reviews,
    scenarios,
    sessions,
    sharing,
    teams,
)
from core.db.engine import make_engine, make_sessionmaker
from core.settings import Settings, get_settings
from core.temporal import connect


def create_app(
    settings: Settings | None = None,
    *,
    temporal: Client | None = None,
    engine: AsyncEngine | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned_engine = None
        db_engine = engine
        if db_engine is None:
            if not settings.database_url:
                raise RuntimeError(
                    "no database: set VOICETRAIN_DATABASE_URL or start `voicetrain dev`"
                )
            db_engine = owned_engine = make_engine(
                settings.database_url,
                pool_size=settings.database_pool_size,
                pool_timeout=settings.database_pool_timeout_seconds,
            )
        app.state.sessionmaker = make_sessionmaker(db_engine)
        app.state.engine = db_engine
        app.state.temporal = temporal or await connect(settings)
        try:
            yield
        finally:
            if owned_engine is not None:
                await owned_engine.dispose()

    app = FastAPI(
        title="voicetrain",
        version="0.1.0",
        summary="AI voice role-play training sessions for counselors, run as durable Temporal workflows.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.provisioned = {}  # principals this process has already written to `users`
    app.state.admission = Admission(settings)
    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeaderText)
    for module in (sessions, scenarios, assignments, internal, livekit_webhook, ops):
        app.include_router(module.router)
    for module in (red_flags, calibration):  # issue 26
        app.include_router(module.router)
    for module in (sharing, reviews, teams, insights, audit, me, retention):  # issues 14, 24
        app.include_router(module.router)
    app.include_router(config_router)
    if settings.env == "dev":  # minting tokens for anyone exists only on a developer's machine
        app.include_router(dev_router)
    mount_console(app, oidc_issuer=settings.oidc_issuer)  # last: every route above keeps answering
    return app
