"""Helpers for the tests that kill a worker process (not fixtures): the worker as a real
subprocess, and what its workflow's history says about the retry that followed."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType, PendingActivityState, TimeoutType
from temporalio.client import Client, WorkflowHandle

from voicetrain.devstack.processes import spawn, stop


@contextmanager
def worker_process(
    client: Client, database_url: str, task_queue: str, state: Path, **env: str
) -> Iterator[Any]:
    proc = spawn(
        [sys.executable, "-m", "voicetrain", "worker"],
        env={
            **os.environ,
            "VOICETRAIN_ENV": "dev",
            "VOICETRAIN_STATE_DIR": str(state),
            "VOICETRAIN_DATABASE_URL": database_url,
            "VOICETRAIN_TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "VOICETRAIN_TASK_QUEUE": task_queue,
            **env,
        },
        log=state / "worker.log",
    )
    try:
        yield proc
    finally:
        stop(proc, sig=signal.SIGKILL)


async def pending_started(handle: WorkflowHandle[Any, Any], activity_type: str) -> bool:
    description = await handle.describe()
    return any(
        p.activity_type.name == activity_type
        and p.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
        for p in description.raw_description.pending_activities
    )


async def retried_after_heartbeat_timeout(
    handle: WorkflowHandle[Any, Any], activity_type: str
) -> bool:
    scheduled: set[int] = set()
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            sched = event.activity_task_scheduled_event_attributes
            if sched.activity_type.name == activity_type:
                scheduled.add(event.event_id)
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            started = event.activity_task_started_event_attributes
            if started.scheduled_event_id in scheduled and started.attempt >= 2:
                timeout = started.last_failure.timeout_failure_info.timeout_type
                return bool(timeout == TimeoutType.TIMEOUT_TYPE_HEARTBEAT)
    return False


def as_async(check: Any) -> Any:
    async def run() -> bool:
        return bool(check())

    return run
