"""The agent's HTTP bridge, for agents hosted where Temporal is not reachable. Same payloads as
the workflow's update and signals; every route checks, in one place, the bridge credential of the
session it names (a credential of another session is refused)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import DbDep, TemporalDep, require_bridge_credential
from api.errors import responses
from api.signals import signal_session
from core.contracts import Accepted, AgentBriefing, AgentJoined, EndConversation, TurnBatch
from core.db.models import TrainingSession
from core.errors import Conflict, NotFound, Unavailable
from workflows.session import TrainingSessionWorkflow

router = APIRouter(
    prefix="/internal/v1/sessions",
    tags=["internal"],
    dependencies=[Depends(require_bridge_credential)],
    responses=responses(401, 404, 422, 503),
)


async def _workflow_id(db: DbDep, session_id: uuid.UUID) -> str:
    session = await db.get(TrainingSession, session_id)
    if session is None:
        raise NotFound("session not found")
    return session.workflow_id


@router.post("/{session_id}/agent-joined", response_model=AgentBriefing, responses=responses(409))
async def agent_joined(
    session_id: uuid.UUID, body: AgentJoined, db: DbDep, temporal: TemporalDep
) -> AgentBriefing:
    handle = temporal.get_workflow_handle(await _workflow_id(db, session_id))
    try:
        return await handle.execute_update(TrainingSessionWorkflow.agent_joined, body)
    except WorkflowUpdateFailedError as exc:
        raise Conflict(str(exc.cause or exc)) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise Conflict("the session has already finished") from exc
        raise Unavailable("the workflow service is unavailable; try again") from exc


@router.post(
    "/{session_id}/turns", status_code=202, response_model=Accepted, responses=responses(409)
)
async def turns(
    session_id: uuid.UUID, body: TurnBatch, db: DbDep, temporal: TemporalDep
) -> Accepted:
    workflow_id = await _workflow_id(db, session_id)
    if not await signal_session(temporal, workflow_id, TrainingSessionWorkflow.add_turns, body):
        raise Conflict("the session has already finished")
    return Accepted()


@router.post("/{session_id}/ended", status_code=202, response_model=Accepted)
async def ended(
    session_id: uuid.UUID, body: EndConversation, db: DbDep, temporal: TemporalDep
) -> Accepted:
    # ending a finished session is a no-op
    await signal_session(
        temporal, await _workflow_id(db, session_id), TrainingSessionWorkflow.end_conversation, body
    )
    return Accepted()
