"""The agent in text mode (AgentSession without a room) with the scripted persona or the LLM
persona engine, against the real workflow, API, Temporal and Postgres, through both bridges."""

from __future__ import annotations

import uuid

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.client import Client

from agent.bridge import HttpBridge, TemporalBridge
from agent.text_mode import run_text_session
from core.contracts.workflow import SessionOutcome
from core.scenarios.prompt import persona_prompt
from core.security import session_bridge_token
from tests.agent_helpers import LIBRARY, lines_of, start_voice_session
from tests.api_harness import SERVICE_KEY, Api
from tests.helpers import db_turns
from workflows.interface import workflow_id
from workflows.session import TrainingSessionWorkflow


async def test_text_mode_agent_over_the_temporal_bridge(api: Api, client: Client) -> None:
    slug = "suicide-risk-assessment"
    scenario = LIBRARY[slug]
    user = f"u-{uuid.uuid4()}"
    sid = await start_voice_session(api, user, slug)
    lines = scenario.demo.trainee_lines[:5]
    recorder = await run_text_session(TemporalBridge(client, workflow_id(sid)), lines_of(lines))
    outcome = await client.get_workflow_handle(
        workflow_id(sid), result_type=SessionOutcome
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
    sid = await start_voice_session(api, user, slug)
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
        workflow_id(sid), result_type=SessionOutcome
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
    sid = await start_voice_session(api, user, slug)
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
        TemporalBridge(client, workflow_id(sid)), next_line, end_reason="agent_shutdown"
    )
    handle = client.get_workflow_handle(workflow_id(sid), result_type=SessionOutcome)
    outcome = await handle.result()
    assert (
        outcome.turn_count
        == recorder.next_seq
        == len(await db_turns(api.sessionmaker, sid))
        == 1 + 2 * stop_after
    )
    status = await handle.query(TrainingSessionWorkflow.status)
    assert status.persisted_turn_count == recorder.next_seq


async def test_text_mode_agent_with_the_llm_persona_engine(api: Api, client: Client) -> None:
    """The voice agent's LLM persona is the persona engine's ChatEngine: same prompt, same
    messages as the text modality's client_reply activity sends."""
    from agent.persona import PersonaLLM
    from persona.engine import ChatEngine
    from persona.prompt import chat_messages
    from tests.fake_llm_server import Behaviour, fake_llm

    slug = "parent-acute-grief"
    sid = await start_voice_session(api, f"u-{uuid.uuid4()}", slug)
    lines = LIBRARY[slug].demo.trainee_lines[:2]
    async with fake_llm() as llm:
        llm.behaviours.extend(Behaviour(content=f"LLM reply {n}") for n in range(len(lines)))
        engine = ChatEngine(
            base_url=llm.url,
            model="persona-1",
            api_key=None,
            timeout=10,
            persona_prompt=persona_prompt(LIBRARY[slug].persona),
        )
        await run_text_session(
            TemporalBridge(client, workflow_id(sid)),
            lines_of(lines),
            model=PersonaLLM(engine),
        )
    stored = await db_turns(api.sessionmaker, sid)
    assert [t.text for t in stored if t.speaker == "client"][1:] == ["LLM reply 0", "LLM reply 1"]
    history = [(t.speaker, t.text) for t in stored[:4]]
    assert llm.requests[1]["messages"] == chat_messages(
        persona_prompt(LIBRARY[slug].persona), history
    )
