"""The session workflow's public face: its type name, id scheme and start options, and each
update, signal and query with its payload types. Clients (the API, the agent, the commands) use
this module, never the workflow implementation, so they do not load activities, the evaluation
engine or the database layer. The workflow declares its handlers under these same names
(`@workflow.update(name=AGENT_JOINED.name)`), so the two cannot drift; tests/workflows/
test_interface.py checks the payload types against the handlers' signatures.

Nothing here may import from `workflows` (other than this module), `activities`, `evaluation`
or `core.db`: tests/architecture/test_import_boundaries.py holds that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import TypedSearchAttributes, WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from core.contracts.calibration import CalibrateScenario, CalibrationReport
from core.contracts.conversation import AgentBriefing, AgentJoined, EndConversation, TurnBatch
from core.contracts.review import Review, ReviewResult
from core.contracts.workflow import (
    ClientReply,
    SessionOutcome,
    SessionReady,
    SessionStatus,
    StartSession,
    TraineeMessage,
)

WORKFLOW_TYPE = "TrainingSession"
# A workflow task of a killed worker is retried elsewhere after this (default 10 s). Our tasks
# take milliseconds; the margin covers a busy machine. Workers also give up their sticky queue
# after worker.main.STICKY_SCHEDULE_TO_START, so the next task goes to any worker.
WORKFLOW_TASK_TIMEOUT = timedelta(seconds=5)

ArgT = TypeVar("ArgT")
ResultT = TypeVar("ResultT")


def workflow_id(session_id: UUID) -> str:
    """The workflow id of a session: part of the contract (ops search the Temporal UI by it), and
    derivable, so a client needs no database read to reach a session's workflow."""
    return f"training-session-{session_id}"


def session_handle(client: Client, session_id: UUID) -> WorkflowHandle[Any, SessionOutcome]:
    return client.get_workflow_handle(workflow_id(session_id), result_type=SessionOutcome)


@dataclass(frozen=True)
class Update(Generic[ArgT, ResultT]):
    name: str
    arg_type: type[ArgT]
    result_type: type[ResultT]

    async def execute(
        self, handle: WorkflowHandle[Any, Any], arg: ArgT, *, update_id: str | None = None
    ) -> ResultT:
        result: ResultT = await handle.execute_update(
            self.name, arg, id=update_id, result_type=self.result_type
        )
        return result


@dataclass(frozen=True)
class StartUpdate(Generic[ResultT]):
    """An update without an argument, sent together with the workflow's start."""

    name: str
    result_type: type[ResultT]

    async def execute(self, handle: WorkflowHandle[Any, Any]) -> ResultT:
        result: ResultT = await handle.execute_update(self.name, result_type=self.result_type)
        return result

    async def execute_with_start(
        self, client: Client, operation: WithStartWorkflowOperation[Any, SessionOutcome]
    ) -> ResultT:
        result: ResultT = await client.execute_update_with_start_workflow(
            self.name, start_workflow_operation=operation, result_type=self.result_type
        )
        return result


@dataclass(frozen=True)
class Signal(Generic[ArgT]):
    name: str
    arg_type: type[ArgT]

    async def send(self, handle: WorkflowHandle[Any, Any], arg: ArgT) -> None:
        await handle.signal(self.name, arg)


@dataclass(frozen=True)
class Query(Generic[ResultT]):
    name: str
    result_type: type[ResultT]

    async def ask(self, handle: WorkflowHandle[Any, Any]) -> ResultT:
        result: ResultT = await handle.query(self.name, result_type=self.result_type)
        return result


# The names are the recorded histories' names (tests/histories): never rename one.
AWAIT_READY = StartUpdate("await_ready", SessionReady)
AGENT_JOINED = Update("agent_joined", AgentJoined, AgentBriefing)
SEND_MESSAGE = Update("send_message", TraineeMessage, ClientReply)
SUBMIT_REVIEW = Update("submit_review", Review, ReviewResult)
ADD_TURNS = Signal("add_turns", TurnBatch)
END_CONVERSATION = Signal("end_conversation", EndConversation)
STATUS = Query("status", SessionStatus)


def start_operation(
    start: StartSession,
    *,
    task_queue: str,
    search_attributes: TypedSearchAttributes,
    static_summary: str,
) -> WithStartWorkflowOperation[Any, SessionOutcome]:
    """Start a session's workflow, or attach to the one already running under its id (an
    idempotent start); a start that failed (e.g. Forbidden) may be tried again."""
    return WithStartWorkflowOperation(
        WORKFLOW_TYPE,
        start,
        id=workflow_id(start.session_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        search_attributes=search_attributes,
        static_summary=static_summary,
        task_timeout=WORKFLOW_TASK_TIMEOUT,
        result_type=SessionOutcome,
    )


# A scenario's calibration (workflows/calibration.py): started and awaited by the API.
CALIBRATION_WORKFLOW_TYPE = "ScenarioCalibration"
CALIBRATION_TIMEOUT = timedelta(minutes=3)


async def run_calibration(
    client: Client, request: CalibrateScenario, *, task_queue: str, digest: str
) -> CalibrationReport:
    """Run (or join the run already computing) the calibration of one scenario version over one
    set of labels: `digest` names that set, so asking twice while it runs is one run."""
    result: CalibrationReport = await client.execute_workflow(
        CALIBRATION_WORKFLOW_TYPE,
        request,
        id=f"scenario-calibration-{request.scenario_id}-{digest}",
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        execution_timeout=CALIBRATION_TIMEOUT,
        task_timeout=WORKFLOW_TASK_TIMEOUT,
        static_summary=f"calibration of scenario {request.scenario_id}",
        result_type=CalibrationReport,
    )
    return result
