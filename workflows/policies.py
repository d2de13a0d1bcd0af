"""Timeouts and retry policies of every activity, declared together. No retry loops anywhere else:
Temporal retries activities by these declarations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy


@dataclass(frozen=True)
class ActivityPolicy:
    start_to_close: timedelta
    retry: RetryPolicy
    schedule_to_close: timedelta | None = None


# Business failures: retrying cannot change the answer.
BUSINESS_ERRORS = ["Forbidden", "NotFound", "AttemptsExhausted"]

# Starting a session: the trainee is waiting on the API, so give up within a minute.
START = ActivityPolicy(
    start_to_close=timedelta(seconds=10),
    schedule_to_close=timedelta(seconds=60),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=200),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=5),
        non_retryable_error_types=BUSINESS_ERRORS,
    ),
)

# Transcript persistence must never give up: a turn is lost only if this does.
PERSIST_TURNS = ActivityPolicy(
    start_to_close=timedelta(seconds=15),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=200),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
    ),
)

# Other DB writes (phase changes): retry with backoff for up to ten minutes.
DB_WRITE = ActivityPolicy(
    start_to_close=timedelta(seconds=10),
    schedule_to_close=timedelta(minutes=10),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
        non_retryable_error_types=BUSINESS_ERRORS,
    ),
)

# LiveKit server API calls.
LIVEKIT = ActivityPolicy(
    start_to_close=timedelta(seconds=15),
    schedule_to_close=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=20),
    ),
)

# Evaluation: an LLM judge may be slow or rate limited; the activity falls back to the
# deterministic rubric on its last judge attempt (EvaluateSession.judge_max_attempts).
EVALUATE = ActivityPolicy(
    start_to_close=timedelta(minutes=2),
    schedule_to_close=timedelta(minutes=30),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=60),
        non_retryable_error_types=BUSINESS_ERRORS,
    ),
)
