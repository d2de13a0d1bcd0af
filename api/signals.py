"""Signalling a session's workflow from the API, with one meaning for every route: a finished
(or never started) workflow is reported, an unreachable Temporal is a retryable 503."""

from __future__ import annotations

from typing import TypeVar

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.errors import Unavailable
from workflows.interface import Signal

ArgT = TypeVar("ArgT")


async def signal_session(
    temporal: Client, workflow_id: str, signal: Signal[ArgT], arg: ArgT
) -> bool:
    """Deliver `signal(arg)`; False when the workflow has already finished (nothing to deliver to)."""
    try:
        await signal.send(temporal.get_workflow_handle(workflow_id), arg)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # "workflow execution already completed"
            return False
        raise Unavailable("the workflow service is unavailable; try again") from exc
    return True
