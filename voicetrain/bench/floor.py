"""The floor of a session start on this machine and server: a bare workflow that answers
Update-with-Start in its first workflow task, run by a worker in the bench process. Start
latencies are reported as ratios to it, measured in the same run."""

from __future__ import annotations

import asyncio
import time
import uuid

from temporalio import workflow
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

FLOOR_QUEUE = "bench-floor"


@workflow.defn(name="BenchFloor")
class FloorWorkflow:
    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def ready(self) -> str:
        self._done = True
        return workflow.info().workflow_id


async def floor_starts(client: Client, count: int, spacing: float) -> list[float]:
    """Spaced Update-with-Start round trips of the bare workflow, in seconds."""
    latencies: list[float] = []
    async with Worker(
        client,
        task_queue=FLOOR_QUEUE,
        workflows=[FloorWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),  # the floor: nothing but the round trips
    ):
        for _ in range(count):
            operation = WithStartWorkflowOperation(
                FloorWorkflow.run,
                id=f"bench-floor-{uuid.uuid4()}",
                task_queue=FLOOR_QUEUE,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            )
            began = time.perf_counter()
            await client.execute_update_with_start_workflow(
                FloorWorkflow.ready, start_workflow_operation=operation
            )
            latencies.append(time.perf_counter() - began)
            await asyncio.sleep(spacing)
    return latencies
