"""`voicetrain demo` and `voicetrain practice`: one whole session through the REST API, the same
path a frontend takes (a text session: POST /v1/sessions, then POST .../messages per line, then
POST .../end), the transcript printed live, then the evaluation report and the run's link.
`voicetrain practice --voice` holds a voice session over the agent bridge instead (`talk`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx

from agent.bridge import SessionBridge, bridge_for
from core.contracts.conversation import AgentJobMetadata, Turn
from core.contracts.evaluation import Evaluation
from core.contracts.rest import CreateSessionResponse
from core.contracts.workflow import ClientReply
from core.scenarios.library import load_library
from core.security import mint_jwt, session_bridge_token
from core.settings import Settings, load_settings
from voicetrain.devstack.processes import spawn, stop
from voicetrain.devstack.stack import stack_file, workflow_url
from voicetrain.report import render_report
from workflows.interface import workflow_id

_NAMES = {"trainee": "You   ", "client": "Client"}


async def _healthy(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(f"{url}/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


@asynccontextmanager
async def dev_stack(settings: Settings, *, say: Callable[[str], None]) -> AsyncIterator[Settings]:
    """Use a running dev stack, or start one for the duration and stop it after."""
    if stack_file(settings).exists() and await _healthy(settings.api_url):
        yield load_settings()
        return
    say("starting the dev stack (embedded Postgres + Temporal dev server + worker + API)...")
    log = settings.state_dir / "dev.log"
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    child: subprocess.Popen[bytes] = spawn(
        [sys.executable, "-m", "voicetrain", "dev", "--quiet"], log=log, env=dict(os.environ)
    )
    try:
        deadline = asyncio.get_running_loop().time() + 180
        while not (stack_file(settings).exists() and await _healthy(settings.api_url)):
            if child.poll() is not None:
                raise SystemExit(
                    f"the dev stack did not start (exit {child.returncode}); see {log}"
                )
            if asyncio.get_running_loop().time() > deadline:
                raise SystemExit(f"the dev stack did not become healthy in time; see {log}")
            await asyncio.sleep(0.2)
        yield load_settings()
    finally:
        await asyncio.to_thread(stop, child, sig=signal.SIGTERM, timeout=60)


async def _bridge(settings: Settings, created: CreateSessionResponse) -> SessionBridge:
    """`practice --voice` plays the agent's part: the same bridge the agent would get."""
    assert settings.internal_service_key is not None
    meta = AgentJobMetadata(
        session_id=created.session_id,
        workflow_id=workflow_id(created.session_id),
        bridge_token=session_bridge_token(
            settings.internal_service_key.get_secret_value(), created.session_id
        ),
    )
    return await bridge_for(settings, meta)


def _print_turn(turn: Turn) -> None:
    _print_line(turn.speaker, turn.text)


def _print_line(speaker: str, text: str) -> None:
    wrapped = textwrap.fill(text, width=96, subsequent_indent=" " * 12)
    print(f"  {_NAMES[speaker]}  {wrapped}", flush=True)


async def run_session(
    settings: Settings,
    scenario_slug: str,
    next_line: Callable[[], Awaitable[str | None]] | None,
    *,
    user: str,
    talk: Callable[[SessionBridge], Awaitable[None]] | None = None,
) -> int:
    """One session through the REST API: in text mode with `next_line`, or with `talk` (which
    holds the conversation over the bridge itself, e.g. by voice)."""
    token = mint_jwt(settings, sub=user, role="trainee", email=f"{user}@example.org", name=user)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=settings.api_url, headers=headers, timeout=60) as http:
        scenarios = (await http.get("/v1/scenarios")).raise_for_status().json()
        match = [s for s in scenarios if s["slug"] == scenario_slug]
        if not match:
            print(
                f"no scenario {scenario_slug!r}; available: {', '.join(s['slug'] for s in scenarios)}"
            )
            return 2
        modality = "voice" if talk is not None else "text"
        response = await http.post(
            "/v1/sessions", json={"scenario_id": match[0]["id"], "modality": modality}
        )
        if response.status_code != 201:
            print(f"could not start the session: {response.json()['error']['message']}")
            return 1
        created = CreateSessionResponse.model_validate(response.json())
        print(
            f"\n{created.scenario.title}  (session {created.session_id}, attempt {created.attempt})"
        )
        print(textwrap.indent(textwrap.fill(created.scenario.briefing, 96), "  "), "\n", flush=True)
        if talk is not None:
            bridge = await _bridge(settings, created)
            try:
                await talk(bridge)
            finally:
                await bridge.aclose()
        else:
            assert next_line is not None
            await _chat(http, created, next_line)
        print("\nconversation ended; evaluating...", flush=True)
        result = await http.get(
            f"/v1/sessions/{created.session_id}/evaluation", params={"wait": 30}
        )
        link = workflow_url(settings, workflow_id(created.session_id))
        if result.status_code == 200:
            evaluation = Evaluation.model_validate(result.json())
            print("\n" + render_report(evaluation, title=created.scenario.title))
        elif result.status_code == 409:
            print(f"\nno evaluation: {result.json()['error']['message']}")
        else:
            print(
                f"\nthe evaluation is not ready yet ({result.json().get('status')}); fetch it later from the API"
            )
        console = f"{settings.api_url.rstrip('/')}/#/sessions/{created.session_id}/evaluation"
        print(f"\nWeb console:   {console}  (dev sign-in as user id {user!r})", flush=True)
        print(f"Temporal UI for this run: {link}\n", flush=True)
        return 0 if result.status_code in (200, 409) else 1


async def _chat(
    http: httpx.AsyncClient,
    created: CreateSessionResponse,
    next_line: Callable[[], Awaitable[str | None]],
) -> None:
    """A text session over REST: the opening line, then one message per line until the lines
    run out or the session ends (a limit), then end it."""
    base = f"/v1/sessions/{created.session_id}"
    if created.opening_line:  # turn 0, recorded by the workflow at start
        _print_line("client", created.opening_line)
    while (line := await next_line()) is not None:
        if not line.strip():
            continue
        # a retried request with this key is answered once (the workflow's update id)
        key = str(uuid.uuid4())
        response = await http.post(
            f"{base}/messages", json={"text": line}, headers={"Idempotency-Key": key}
        )
        if response.status_code == 409:
            print(f"\n({response.json()['error']['message']})", flush=True)
            break
        response.raise_for_status()
        reply = ClientReply.model_validate(response.json())
        _print_turn(reply.trainee_turn)
        _print_turn(reply.client_turn)
    (await http.post(f"{base}/end")).raise_for_status()


def demo_script(scenario_slug: str) -> list[str] | None:
    """The trainee's lines `demo` says, in order (the scenario's `demo` section); None when the
    library has no such scenario."""
    scenario = {s.slug: s for s in load_library()}.get(scenario_slug)
    return None if scenario is None else list(scenario.demo.trainee_lines)


async def demo(settings: Settings, scenario_slug: str) -> int:
    script = demo_script(scenario_slug)
    if script is None:
        print(f"no scenario {scenario_slug!r} in the library")
        return 2
    lines = iter(script)

    async def next_line() -> str | None:
        await asyncio.sleep(0.15)  # readable pacing for a live transcript
        return next(lines, None)

    async with dev_stack(settings, say=print) as live:
        return await run_session(live, scenario_slug, next_line, user="demo-trainee")


async def practice(settings: Settings, scenario_slug: str) -> int:
    async def next_line() -> str | None:
        try:
            line = await asyncio.to_thread(input, "")
        except EOFError:
            return None
        return None if line.strip().lower() in ("/end", "/quit") else line

    async with dev_stack(settings, say=print) as live:
        print("type what you say to the client; /end (or Ctrl-D) ends the session")
        return await run_session(live, scenario_slug, next_line, user="practice-trainee")
