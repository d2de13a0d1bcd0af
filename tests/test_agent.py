"""The agent in text mode (AgentSession without a room) with the scripted persona, against the
real workflow, API, Temporal and Postgres; both bridges; room wiring by unit tests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.client import Client

from agent.bridge import BridgeError, HttpBridge, TemporalBridge
from agent.persona import ScriptedPersona
from agent.server import parse_metadata, shutdown_reason
from agent.text_mode import run_text_session
from core.contracts import SessionOutcome, session_workflow_id
from core.db.engine import SessionMaker
from core.scenarios.library import load_library, persona_prompt
from core.security import session_bridge_token
from tests.api_harness import SERVICE_KEY, Api
from tests.helpers import db_turns, scenario_by_slug
from workflows.session import TrainingSessionWorkflow

LIBRARY = {s.slug: s for s in load_library()}


def lines_of(items: list[str]) -> Callable[[], Awaitable[str | None]]:
    it = iter(items)

    async def next_line() -> str | None:
        return next(it, None)

    return next_line


async def _start(api: Api, user: str, slug: str) -> uuid.UUID:
    scenario = await scenario_by_slug(api.sessionmaker, slug)
    r = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": str(scenario.id), "modality": "voice"},  # the agent plays it
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["session_id"])


async def test_text_mode_agent_over_the_temporal_bridge(api: Api, client: Client) -> None:
    slug = "suicide-risk-assessment"
    scenario = LIBRARY[slug]
    user = f"u-{uuid.uuid4()}"
    sid = await _start(api, user, slug)
    lines = scenario.demo.trainee_lines[:5]
    recorder = await run_text_session(
        TemporalBridge(client, session_workflow_id(sid)), lines_of(lines)
    )
    outcome = await client.get_workflow_handle(
        session_workflow_id(sid), result_type=SessionOutcome
    ).result()
    stored = await db_turns(api.sessionmaker, sid)
    # the opening line came from the briefing the workflow returned to agent_joined
    assert (stored[0].speaker, stored[0].text) == ("client", scenario.persona.opening_line)
    assert [t.seq for t in stored] == list(range(recorder.next_seq))
    trainee = [t.text for t in stored if t.speaker == "trainee"]
    assert trainee == lines
    assert all(a.speaker != b.speaker for a, b in zip(stored, stored[1:], strict=False))
    assert outcome.turn_count == len(stored) == 1 + 2 * len(lines)
    # the scripted persona answered the direct suicide question with its scripted disclosure
    asked = next(i for i, t in enumerate(stored) if "thoughts of suicide" in t.text)
    assert "Killing myself" in stored[asked + 1].text


class FailFirstInternalCalls:
    """A real failure inside the API: its first N internal-bridge requests answer 503."""

    def __init__(self, app: ASGIApp, failures: int) -> None:
        self.app, self.remaining = app, failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith("/internal/")
            and self.remaining > 0
        ):
            self.remaining -= 1
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"unavailable"})
            return
        await self.app(scope, receive, send)


async def test_http_bridge_survives_failing_api_and_delivers_every_turn_once(
    api: Api, client: Client
) -> None:
    slug = "parent-acute-grief"
    user = f"u-{uuid.uuid4()}"
    sid = await _start(api, user, slug)
    app = api.http._transport.app  # type: ignore[attr-defined]
    flaky = FailFirstInternalCalls(app, failures=6)
    bridge = HttpBridge(
        "http://testserver",
        session_bridge_token(SERVICE_KEY, sid),
        sid,
        transport=httpx.ASGITransport(app=flaky),
    )
    lines = LIBRARY[slug].demo.trainee_lines[:4]
    try:
        recorder = await run_text_session(bridge, lines_of(lines), end_reason="agent_shutdown")
    finally:
        await bridge.aclose()
    assert flaky.remaining == 0
    outcome = await client.get_workflow_handle(
        session_workflow_id(sid), result_type=SessionOutcome
    ).result()
    stored = await db_turns(api.sessionmaker, sid)
    assert [t.seq for t in stored] == list(range(recorder.next_seq))
    assert outcome.turn_count == recorder.next_seq == 9
    assert outcome.end_reason == "agent_shutdown"


async def test_shutdown_mid_conversation_reports_the_final_turn_count(
    api: Api, client: Client
) -> None:
    slug = "drinking-ambivalence-mi"
    user = f"u-{uuid.uuid4()}"
    sid = await _start(api, user, slug)
    lines = LIBRARY[slug].demo.trainee_lines
    stop_after = 3
    fed = 0

    async def next_line() -> str | None:
        nonlocal fed
        if fed == stop_after:
            return None  # the room closes: the agent shuts down mid-conversation
        fed += 1
        return lines[fed - 1]

    recorder = await run_text_session(
        TemporalBridge(client, session_workflow_id(sid)), next_line, end_reason="agent_shutdown"
    )
    handle = client.get_workflow_handle(session_workflow_id(sid), result_type=SessionOutcome)
    outcome = await handle.result()
    assert (
        outcome.turn_count
        == recorder.next_seq
        == len(await db_turns(api.sessionmaker, sid))
        == 1 + 2 * stop_after
    )
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.persisted_turn_count == recorder.next_seq


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
    from core.contracts import AgentJobMetadata, AgentJoined, SessionOutcome

    user = f"u-{uuid.uuid4()}"
    sid = await _start(api, user, "anxious-college-student")
    r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
    assert r.status_code == 202
    handle = client.get_workflow_handle(session_workflow_id(sid), result_type=SessionOutcome)
    outcome = await handle.result()
    assert outcome.phase == "abandoned"  # ended before any conversation
    meta = AgentJobMetadata(
        session_id=sid,
        workflow_id=session_workflow_id(sid),
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


def test_scripted_persona_plays_the_facts_and_falls_back() -> None:
    maya = LIBRARY["anxious-college-student"].persona
    persona = ScriptedPersona(maya)
    first = persona.reply("Hi Maya, welcome, and thanks for coming in.")
    assert "never done this before" in first
    # a turn that reaches no fact: a neutral line
    assert persona.reply("The weather turned cold this week.") in maya.state.neutral
    assert "Running" in persona.reply("What has helped you cope before?")


async def test_agent_joined_twice_from_another_identity_is_refused(
    api: Api, client: Client
) -> None:
    from agent.bridge import BridgeError
    from core.contracts import AgentJoined

    sid = await _start(api, f"u-{uuid.uuid4()}", "anxious-college-student")
    bridge = TemporalBridge(client, session_workflow_id(sid))
    await bridge.agent_joined(AgentJoined(agent_identity="agent-1"))
    with pytest.raises(BridgeError):
        await bridge.agent_joined(AgentJoined(agent_identity="agent-2"))
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json={"agent_identity": "agent-3"},
        headers=api.bridge(sid),
    )  # fmt: skip
    assert r.status_code == 409
    await client.get_workflow_handle(session_workflow_id(sid)).cancel()


def test_models_come_from_settings(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from agent.persona import PersonaLLM, ScriptedLLM
    from agent.server import model_for
    from core.contracts import AgentBriefing
    from core.settings import load_settings
    from persona.engine import ChatEngine

    scenario = LIBRARY["parent-acute-grief"]
    briefing = AgentBriefing(
        session_id=uuid.uuid4(), scenario_title=scenario.title, persona_prompt=persona_prompt(scenario.persona),
        opening_line=scenario.persona.opening_line, deadline=datetime.now(UTC), max_turns=10,
        offline_script=scenario.persona.model_dump(mode="json"),
    )  # fmt: skip
    offline = model_for(load_settings(env="dev", state_dir=tmp_path), briefing)
    assert isinstance(offline, ScriptedLLM)
    inference = model_for(
        load_settings(env="dev", state_dir=tmp_path, agent_llm_model="openai/gpt-4.1-mini"),
        briefing,
    )
    assert inference == "openai/gpt-4.1-mini"
    compatible = model_for(
        load_settings(
            env="dev",
            state_dir=tmp_path,
            llm_base_url="http://127.0.0.1:9/v1",
            llm_model="local-model",
            llm_api_key="sk-x",
        ),
        briefing,
    )
    # the persona engine the text modality's activity uses, with the scenario's prompt
    assert isinstance(compatible, PersonaLLM)
    assert isinstance(compatible.engine, ChatEngine)
    assert compatible.engine.persona_prompt == persona_prompt(scenario.persona)
    assert compatible.model == "local-model"


async def test_text_mode_agent_with_the_llm_persona_engine(api: Api, client: Client) -> None:
    """The voice agent's LLM persona is the persona engine's ChatEngine: same prompt, same
    messages as the text modality's client_reply activity sends."""
    from agent.persona import PersonaLLM
    from persona.engine import ChatEngine
    from persona.prompt import chat_messages
    from tests.fake_llm_server import Behaviour, fake_llm

    slug = "parent-acute-grief"
    sid = await _start(api, f"u-{uuid.uuid4()}", slug)
    lines = LIBRARY[slug].demo.trainee_lines[:2]
    async with fake_llm() as llm:
        llm.behaviours.extend(Behaviour(content=f"LLM reply {n}") for n in range(len(lines)))
        engine = ChatEngine(
            base_url=llm.url, model="persona-1", api_key=None, timeout=10,
            persona_prompt=persona_prompt(LIBRARY[slug].persona),
        )  # fmt: skip
        await run_text_session(
            TemporalBridge(client, session_workflow_id(sid)),
            lines_of(lines),
            model=PersonaLLM(engine),
        )
    stored = await db_turns(api.sessionmaker, sid)
    assert [t.text for t in stored if t.speaker == "client"][1:] == ["LLM reply 0", "LLM reply 1"]
    history = [(t.speaker, t.text) for t in stored[:4]]
    assert llm.requests[1]["messages"] == chat_messages(
        persona_prompt(LIBRARY[slug].persona), history
    )
