"""Heartbeats from a background task while an activity awaits slow I/O (an LLM judge, LiveKit):
if the worker dies, Temporal notices within the policy's heartbeat_timeout instead of waiting for
start_to_close, so a lost worker costs seconds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from temporalio import activity

HEARTBEAT_EVERY_SECONDS = 1.0


@contextlib.asynccontextmanager
async def heartbeating(every: float = HEARTBEAT_EVERY_SECONDS) -> AsyncIterator[None]:
    if not activity.in_activity() or activity.info().is_local:
        # called directly (the bench, a script), or a local activity (it holds its workflow task,
        # whose timeout is its crash detection): nobody to tell
        yield
        return

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(every)

    # the task copies the activity's context, so activity.heartbeat() reaches this activity
    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
