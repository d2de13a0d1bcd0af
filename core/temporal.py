"""Connecting to Temporal: the SDK's env config (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a TOML profile) so Temporal Cloud works unchanged, with our
own VOICETRAIN_TEMPORAL_* settings taking precedence when set. Always the pydantic converter."""

from __future__ import annotations

from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.envconfig import ClientConfigProfile
from temporalio.service import RPCError, RPCStatusCode

from core.settings import Settings


def connect_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = dict(ClientConfigProfile.load().to_client_connect_config())
    if settings.temporal_address:
        config["target_host"] = settings.temporal_address
    config.setdefault("target_host", "127.0.0.1:7233")
    if settings.temporal_namespace != "default" or "namespace" not in config:
        config["namespace"] = settings.temporal_namespace
    return config


async def connect(settings: Settings) -> Client:
    return await Client.connect(**connect_config(settings), data_converter=pydantic_data_converter)


async def forget_history(temporal: Client, workflow_id: str) -> None:
    """Delete a workflow's executions and their histories from Temporal (a history holds every
    turn's text: the signals' and updates' payloads). Deleting what is gone is not an error, so
    callers may repeat it. Temporal deletes asynchronously, once the run's close task is
    acknowledged (docs/security.md). Used by deletion and by retention alike."""
    request = DeleteWorkflowExecutionRequest(
        namespace=temporal.namespace,
        workflow_execution=WorkflowExecution(workflow_id=workflow_id),
    )
    try:
        await temporal.workflow_service.delete_workflow_execution(request)
    except RPCError as e:
        if e.status != RPCStatusCode.NOT_FOUND:
            raise
