"""The agent's HTTP bridge, for agents hosted where Temporal is not reachable. Same payloads as
the workflow's update and signals; every route checks, in one place, the bridge credential of the
session it names (a credential of another session is refused). That credential is what proves the
caller may reach the session, so the workflow id is derived from the session id: a turn costs no
database read (a session that never existed has no workflow: 409, as for one that finished)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import TemporalDep, require_bridge_credential
from api.errors import responses
from api.signals import signal_session
from core.contracts.conversation import AgentBriefing, AgentJoined, EndConversation, TurnBatch
from core.contracts.rest import Accepted
from core.errors import BadRequest, Conflict, Unavailable
from workflows import interface

router = APIRouter(
    prefix="/internal/v1/sessions",
    tags=["internal"],
    dependencies=[Depends(require_bridge_credential)],
    responses=responses(401, 422, 503),
)


@router.post("/{session_id}/agent-joined", response_model=AgentBriefing, responses=responses(409))
async def agent_joined(
    session_id: uuid.UUID, body: AgentJoined, temporal: TemporalDep
) -> AgentBriefing:
    try:
        return await interface.AGENT_JOINED.execute(
            interface.session_handle(temporal, session_id), body
        )
    except WorkflowUpdateFailedError as exc:
        raise Conflict(str(exc.cause or exc)) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise Conflict("the session has already finished") from exc
        raise Unavailable("the workflow service is unavailable; try again") from exc


@router.post(
    "/{session_id}/turns", status_code=202, response_model=Accepted, responses=responses(409)
)
async def turns(session_id: uuid.UUID, body: TurnBatch, temporal: TemporalDep) -> Accepted:
    if body.rejected:  # a malformed turn: the agent is told, and no part of its batch is kept
        raise BadRequest("; ".join(rejected.reason for rejected in body.rejected))
    workflow_id = interface.workflow_id(session_id)
    if not await signal_session(temporal, workflow_id, interface.ADD_TURNS, body):
        raise Conflict("the session has already finished")
    return Accepted()


@router.post("/{session_id}/ended", status_code=202, response_model=Accepted)
async def ended(session_id: uuid.UUID, body: EndConversation, temporal: TemporalDep) -> Accepted:
    # ending a finished (or never started) session is a no-op
    await signal_session(
        temporal, interface.workflow_id(session_id), interface.END_CONVERSATION, body
    )
    return Accepted()
