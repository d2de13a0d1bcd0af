"""The ScenarioCalibration workflow: one activity re-runs the evaluator with one scenario version
on the attempts supervisors labelled and returns the agreement figures. Started by the API when
a supervisor opens a scenario's calibration; its input and result are ids, ratings and figures,
never transcript text, so its history holds nothing a deletion must remove."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calibrating import CalibrationActivities
    from core.contracts.calibration import CalibrateScenario, CalibrationReport
    from workflows import calls, interface, policies


@workflow.defn(name=interface.CALIBRATION_WORKFLOW_TYPE)
class ScenarioCalibrationWorkflow:
    @workflow.run
    async def run(self, request: CalibrateScenario) -> CalibrationReport:
        return await calls.execute(
            CalibrationActivities.calibrate_scenario,
            request,
            policies.CALIBRATE,
            f"re-score {len(request.session_ids)} labelled attempts",
        )
