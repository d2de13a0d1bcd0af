"""Admission control: a trainee's session starts are rate limited (per user, and globally so a
start storm degrades to 429s instead of slowing every live session), their active sessions are
capped, and so are their concurrent evaluation long-polls.

The rate windows (`StartLog`: exact, the starts of the last window per key) live in this API
replica's memory: they are abuse and overload protection, so N replicas admitting up to N x the rate is
acceptable and needs no shared store. The hard bound that must hold across replicas — a
trainee's active sessions — is counted in Postgres."""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator

from limits import RateLimitItem, parse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import TrainingSession
from core.errors import RateLimited, TooManyActiveSessions
from core.settings import Settings


class StartLog:
    """An exact moving window: at most `amount` starts per key in any `window` seconds.

    Each key keeps the times of its admitted starts in the window (at most `amount` of them), so
    a hit is O(1) amortised with no thread hop (the `limits` memory storage expired entries with a
    thread hop per key on every hit: ~12 % of the API's CPU per start, issue 16), and unlike a
    sliding window *counter* it never admits an extra start at a window boundary."""

    _SWEEP_EVERY = 4096

    def __init__(self, item: RateLimitItem) -> None:
        self.amount = item.amount
        self.window = float(item.get_expiry())
        self._starts: dict[str, deque[float]] = {}
        self._hits = 0

    def hit(self, key: str, now: float) -> float:
        """Admit a start (0.0) or return the seconds until one would be admitted."""
        starts = self._starts.setdefault(key, deque())
        while starts and starts[0] <= now - self.window:
            starts.popleft()
        self._hits += 1
        if self._hits % self._SWEEP_EVERY == 0:
            self._sweep(now)
        if len(starts) >= self.amount:
            return starts[0] + self.window - now
        starts.append(now)
        return 0.0

    def full(self, key: str, now: float) -> float:
        """The seconds until a start would be admitted, 0.0 when one would be now; records
        nothing (a request nobody has authenticated yet must not use up the window)."""
        starts = self._starts.get(key)
        if not starts:
            return 0.0
        live = [t for t in starts if t > now - self.window]
        return live[0] + self.window - now if len(live) >= self.amount else 0.0

    def _sweep(self, now: float) -> None:
        idle = [k for k, v in self._starts.items() if not v or v[-1] <= now - self.window]
        for key in idle:
            del self._starts[key]


_BUSY = "the service is starting too many sessions"


class Admission:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._per_user = StartLog(parse(settings.session_start_rate))
        self._global = StartLog(parse(settings.session_start_rate_global))
        self._max_active = settings.max_active_sessions_per_user
        self._max_polls = settings.max_long_polls_per_user
        self._polls: Counter[str] = Counter()

    def refuse_early(self) -> None:
        """Before anything else of a start - the token check, the user's provisioning, any
        database work: 429 while the global window is full. A storm of starts is refused for the
        price of this check (issue 25); nothing is recorded, so requests not yet authenticated
        cannot use up the window. admit_start still decides, after authentication."""
        if (until := self._global.full("*", self._clock())) > 0:
            wait = max(1, math.ceil(until))
            raise RateLimited(f"{_BUSY}; try again in {wait} s", retry_after=wait)

    async def admit_start(self, db: AsyncSession, user_id: str) -> None:
        """Before a workflow is started: 429 over a rate, 409 over the active-session cap. A
        start is recorded in both windows only when both admit it: a start the service refuses
        for its global rate does not use up the trainee's own."""
        now = self._clock()
        windows = (
            (self._per_user, user_id, "you have started too many sessions"),
            (self._global, "*", _BUSY),
        )
        for log, key, whose in windows:
            if (until := log.full(key, now)) > 0:
                wait = max(1, math.ceil(until))
                raise RateLimited(f"{whose}; try again in {wait} s", retry_after=wait)
        for log, key, _ in windows:
            log.hit(key, now)  # no await since the checks: both still admit it
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
