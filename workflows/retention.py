"""RetentionWorkflow: started every day by the Temporal Schedule `voicetrain-retention`
(worker/schedules.py); purges the transcripts the admin's policy no longer keeps. The policy is
read by the activity at run time, so changing it needs no change to the schedule."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.retention import RetentionActivities
    from core.contracts.retention import PurgeExpiredTranscripts, PurgeResult, RetentionRun
    from workflows import policies
    from workflows.calls import execute

RETENTION_WORKFLOW_TYPE = "Retention"


@workflow.defn(name=RETENTION_WORKFLOW_TYPE)
class RetentionWorkflow:
    @workflow.run
    async def run(self, run: RetentionRun) -> PurgeResult:
        return await execute(
            RetentionActivities.purge_expired_transcripts,
            PurgeExpiredTranscripts(batch_size=run.batch_size),
            policies.PURGE,
            "purge transcripts past the retention policy",
        )
