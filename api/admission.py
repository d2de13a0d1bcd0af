"""Admission control: a trainee's session starts are rate limited (per user, and globally so a
start storm degrades to 429s instead of slowing every live session), their active sessions are
capped, and so are their concurrent evaluation long-polls.

The rate windows (the `limits` library, sliding window counter) live in this API replica's
memory: they are abuse and overload protection, so N replicas admitting up to N x the rate is
acceptable and needs no shared store. The hard bound that must hold across replicas — a
trainee's active sessions — is counted in Postgres."""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from collections.abc import Iterator

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import TrainingSession
from core.errors import RateLimited, TooManyActiveSessions
from core.settings import Settings


class Admission:
    def __init__(self, settings: Settings) -> None:
        # A sliding window counter: two counters per key. (The moving window kept one timestamp
        # per hit and its memory storage expired them with a thread hop per key on every hit —
        # ~12 % of the API's CPU per start with a thousand trainees in the window, issue 16.)
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._per_user = parse(settings.session_start_rate)
        self._global = parse(settings.session_start_rate_global)
        self._max_active = settings.max_active_sessions_per_user
        self._max_polls = settings.max_long_polls_per_user
        self._polls: Counter[str] = Counter()

    async def admit_start(self, db: AsyncSession, user_id: str) -> None:
        """Before a workflow is started: 429 over a rate, 409 over the active-session cap."""
        for item, key, whose in (
            (self._per_user, user_id, "you have started too many sessions"),
            (self._global, "*", "the service is starting too many sessions"),
        ):
            if not await self._limiter.hit(item, "start", key):
                stats = await self._limiter.get_window_stats(item, "start", key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise RateLimited(f"{whose}; try again in {wait} s", retry_after=wait)
        active = await db.scalar(
            select(func.count())
            .select_from(TrainingSession)
            .where(TrainingSession.user_id == user_id, TrainingSession.status == "active")
        )
        if (active or 0) >= self._max_active:
            raise TooManyActiveSessions(
                f"you already have {active} active sessions (the limit is {self._max_active}); "
                "end one before starting another"
            )

    @contextlib.contextmanager
    def long_poll(self, user_id: str) -> Iterator[None]:
        """A slot for one waiting evaluation request of this user (429 when all are taken)."""
        if self._polls[user_id] >= self._max_polls:
            raise RateLimited(
                f"at most {self._max_polls} evaluation requests may wait at once", retry_after=2
            )
        self._polls[user_id] += 1
        try:
            yield
        finally:
            self._polls[user_id] -= 1
            if self._polls[user_id] <= 0:
                del self._polls[user_id]
