"""Timeouts and retry policies of every activity, declared together. No retry loops anywhere else:
Temporal retries activities by these declarations.

Crash detection is declared here too. A short activity's start_to_close is its crash-detection
time (a few seconds, not minutes); an activity that can run longer heartbeats every second from a
background task (activities/heartbeat.py) and declares a heartbeat_timeout, so after a worker
SIGKILL every stalled activity is retried on another worker within seconds. The one-statement
writes (turns, phases) are local activities: their crash detection is the workflow task timeout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio.common import RetryPolicy

from core.errors import BUSINESS_ERRORS


@dataclass(frozen=True)
class ActivityPolicy:
    start_to_close: timedelta
    retry: RetryPolicy
    schedule_to_close: timedelta | None = None
    heartbeat: timedelta | None = None


# Business failures (core.errors.BUSINESS_ERRORS): retrying cannot change the answer.
NON_RETRYABLE = list(BUSINESS_ERRORS)

# Starting a session: the trainee is waiting on the API, so give up within a minute.
START = ActivityPolicy(
    start_to_close=timedelta(seconds=4),
    schedule_to_close=timedelta(seconds=60),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=200),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=5),
        non_retryable_error_types=NON_RETRYABLE,
    ),
)

# Transcript persistence must never give up: a turn is lost only if this does.
# A data error (a turn Postgres refuses) is not retried: the activity quarantines that turn and
# persists the rest (PersistResult.quarantined). It runs as a local activity (workflows/calls.py
# _db_write): one statement, milliseconds; a worker crash shows as a workflow task timeout. The
# heartbeat timeout applies only to runs started before that change (a normal activity then).
PERSIST_TURNS = ActivityPolicy(
    start_to_close=timedelta(seconds=10),
    heartbeat=timedelta(seconds=3),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=200),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
    ),
)

# Other DB writes (phase changes, a local activity like PERSIST_TURNS): retry with backoff for up
# to ten minutes.
DB_WRITE = ActivityPolicy(
    start_to_close=timedelta(seconds=4),
    schedule_to_close=timedelta(minutes=10),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=30),
        non_retryable_error_types=NON_RETRYABLE,
    ),
)

# LiveKit server API calls (HTTP to a remote server: may take over a second, so they heartbeat).
LIVEKIT = ActivityPolicy(
    start_to_close=timedelta(seconds=15),
    heartbeat=timedelta(seconds=4),
    schedule_to_close=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=20),
    ),
)

# Evaluation: an LLM judge may be slow or rate limited; the activity falls back to the
# deterministic rubric on its last judge attempt (EvaluateSession.judge_max_attempts).
# The judge call is bounded by VOICETRAIN_LLM_TIMEOUT_SECONDS; a dead worker shows in 4 s.
EVALUATE = ActivityPolicy(
    start_to_close=timedelta(minutes=2),
    heartbeat=timedelta(seconds=4),
    schedule_to_close=timedelta(minutes=30),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=60),
        non_retryable_error_types=NON_RETRYABLE,
    ),
)

# The text modality's persona reply (client_reply): the trainee is waiting on the API, so a dead
# worker shows within the heartbeat timeout and the whole reply gives up after two minutes (the
# API answers 503 and the trainee may write again). An LLM call is bounded by
# VOICETRAIN_LLM_TIMEOUT_SECONDS; a request the LLM refuses is not retried.
PERSONA = ActivityPolicy(
    start_to_close=timedelta(seconds=60),
    heartbeat=timedelta(seconds=4),
    schedule_to_close=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=10),
        non_retryable_error_types=[*NON_RETRYABLE, "TurnMissing"],
    ),
)

# A scenario's calibration (the evaluator re-run on its labelled attempts): CPU work of up to
# a few seconds; a supervisor waits on the API for it, so a dead worker shows in 4 s and the
# whole run gives up after two minutes (the API answers 503 and the page may ask again).
CALIBRATE = ActivityPolicy(
    start_to_close=timedelta(seconds=60),
    heartbeat=timedelta(seconds=4),
    schedule_to_close=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(milliseconds=500),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=10),
        non_retryable_error_types=NON_RETRYABLE,
    ),
)

# Retention's purge (activities/retention.py): batches of one transaction and a few Temporal
# deletions each, heartbeating every second, so a dead worker shows in seconds. Idempotent, so
# it retries freely; a run that cannot finish is taken up by the next day's run anyway.
PURGE = ActivityPolicy(
    start_to_close=timedelta(minutes=30),
    heartbeat=timedelta(seconds=5),
    schedule_to_close=timedelta(hours=2),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=60),
        non_retryable_error_types=NON_RETRYABLE,
    ),
)
