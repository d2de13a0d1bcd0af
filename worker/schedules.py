"""The Temporal Schedules voicetrain runs, created by the worker at start-up, idempotently.

The worker owns them (not the API): it is the process that registers RetentionWorkflow and polls
the task queue the schedule's action names, so the schedule exists exactly where it can run, and
a deployment without workers has no schedule firing into a queue nobody polls. Every worker does
it at start; a schedule that already exists is updated to this code's spec and action, keeping
its state (a schedule an operator paused stays paused)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from core.contracts.retention import RetentionRun
from workflows.retention import RetentionWorkflow

RETENTION_SCHEDULE_ID = "voicetrain-retention"
# Daily at 03:17 UTC: off the hour (where other jobs of a cluster cluster), at night in Europe.
RETENTION_AT = ScheduleCalendarSpec(
    hour=(ScheduleRange(3),),
    minute=(ScheduleRange(17),),
    comment="daily retention purge",
)
RETENTION_RUN_TIMEOUT = timedelta(hours=3)


def retention_schedule(task_queue: str, schedule_id: str = RETENTION_SCHEDULE_ID) -> Schedule:
    return Schedule(
        # the run's id is the schedule's id plus the time it fired (Temporal appends it)
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            RetentionRun(),
            id=schedule_id,
            task_queue=task_queue,
            execution_timeout=RETENTION_RUN_TIMEOUT,
            static_summary="retention: purge transcripts past the admin's policy",
        ),
        spec=ScheduleSpec(calendars=[RETENTION_AT]),
        # a run still going when the next one is due (a huge backlog) is not doubled; a day the
        # cluster was down is caught up once
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(days=1)),
        state=ScheduleState(note="voicetrain retention (docs/security.md)"),
    )


async def ensure_retention_schedule(
    client: Client, task_queue: str, *, schedule_id: str = RETENTION_SCHEDULE_ID
) -> ScheduleHandle:
    """Create the retention schedule, or bring the existing one to this spec and action."""
    schedule = retention_schedule(task_queue, schedule_id)
    try:
        return await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        handle = client.get_schedule_handle(schedule_id)

        def keep_state(existing: ScheduleUpdateInput) -> ScheduleUpdate:
            state = existing.description.schedule.state
            return ScheduleUpdate(schedule=dataclasses.replace(schedule, state=state))

        await handle.update(keep_state)
        return handle
