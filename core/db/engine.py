"""Engine and session factory. One unit of work commits; sessions never expire on commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionMaker = async_sessionmaker[AsyncSession]


def async_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def sync_url(url: str) -> str:
    """The libpq-style URL (for tools that are not SQLAlchemy)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def make_engine(
    url: str, *, pool_size: int = 10, pool_timeout: float = 30.0, pre_ping: bool = True
) -> AsyncEngine:
    """pre_ping tests each connection as it leaves the pool (a round trip per checkout): right
    for callers that answer a person at once (the API). The worker passes False: its activities
    are retried by policy, so a connection broken by a Postgres restart costs one retried attempt
    (the pool then drops every connection older than the failure) instead of a ping per write."""
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        pool_pre_ping=pre_ping,
        pool_recycle=1800,
    )


def make_sessionmaker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(engine, expire_on_commit=False)
