"""The agent's room job: bad job metadata, a session that refuses the agent, a second agent
identity, and how a room's shutdown maps to an end reason."""

from __future__ import annotations

import uuid

import httpx
import pytest
from temporalio.client import Client

from agent.bridge import BridgeError, HttpBridge, TemporalBridge
from agent.server import parse_metadata, shutdown_reason
from core.contracts.workflow import SessionOutcome
from core.db.engine import SessionMaker
from core.security import session_bridge_token
from tests.agent_helpers import start_voice_session
from tests.api_harness import SERVICE_KEY, Api
from workflows.interface import workflow_id


async def test_bad_job_metadata_leaves_without_touching_a_session(
    sessionmaker: SessionMaker,
) -> None:
    from livekit.agents.testing import fake_job_context

    from agent.server import entrypoint

    for raw in (
        "",
        "not json",
        '{"session_id": "nope", "workflow_id": "x"}',
        '{"workflow_id": "w"}',
    ):
        assert parse_metadata(raw) is None
        with fake_job_context(job_metadata=raw) as ctx:
            shutdowns: list[str] = []
            ctx.shutdown = shutdowns.append  # type: ignore[method-assign,assignment]
            await entrypoint(ctx)  # returns without raising and without a bridge
            assert shutdowns == ["invalid job metadata"]
    good = parse_metadata(
        '{"session_id": "6f1c7a52-3b7e-4d8e-9b59-2f0d4c1e8a11", "workflow_id": "training-session-x",'
        ' "bridge_token": "t", "extra": 1}'
    )
    assert good is not None
    assert good.workflow_id == "training-session-x"


async def test_agent_refused_by_an_ended_session_leaves_the_room_cleanly(
    api: Api, client: Client
) -> None:
    from livekit.agents.testing import fake_job_context

    from agent.server import entrypoint
    from core.contracts.conversation import AgentJobMetadata, AgentJoined

    user = f"u-{uuid.uuid4()}"
    sid = await start_voice_session(api, user, "anxious-college-student")
    r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
    assert r.status_code == 202
    handle = client.get_workflow_handle(workflow_id(sid), result_type=SessionOutcome)
    outcome = await handle.result()
    assert outcome.phase == "abandoned"  # ended before any conversation
    meta = AgentJobMetadata(
        session_id=sid,
        workflow_id=workflow_id(sid),
        bridge_token=session_bridge_token(SERVICE_KEY, sid),
    )
    with fake_job_context(job_metadata=meta.model_dump_json()) as ctx:
        shutdowns: list[str] = []
        ctx.shutdown = shutdowns.append  # type: ignore[method-assign,assignment]
        await entrypoint(ctx, api.settings)  # refused by the workflow: no exception
        assert shutdowns == ["session refused the agent"]
    # the HTTP bridge refuses the same way (409 -> BridgeError, which the entrypoint handles)
    app = api.http._transport.app  # type: ignore[attr-defined]
    http = HttpBridge(
        "http://testserver", meta.bridge_token, sid, transport=httpx.ASGITransport(app=app)
    )
    with pytest.raises(BridgeError):
        await http.agent_joined(AgentJoined(agent_identity="agent-late"))
    await http.aclose()


def test_shutdown_reasons_map_to_end_reasons() -> None:
    assert shutdown_reason("participant disconnected") == "participant_disconnected"
    assert shutdown_reason("room deleted") == "room_finished"
    assert shutdown_reason("user requested") == "agent_shutdown"


async def test_agent_joined_twice_from_another_identity_is_refused(
    api: Api, client: Client
) -> None:
    from agent.bridge import BridgeError
    from core.contracts.conversation import AgentJoined

    sid = await start_voice_session(api, f"u-{uuid.uuid4()}", "anxious-college-student")
    bridge = TemporalBridge(client, workflow_id(sid))
    await bridge.agent_joined(AgentJoined(agent_identity="agent-1"))
    with pytest.raises(BridgeError):
        await bridge.agent_joined(AgentJoined(agent_identity="agent-2"))
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined",
        json={"agent_identity": "agent-3"},
        headers=api.bridge(sid),
    )
    assert r.status_code == 409
    await client.get_workflow_handle(workflow_id(sid)).cancel()
