"""The LiveKit agent process: an AgentServer whose rtc_session plays the scenario's client in the
room the workflow dispatched it to, and reports every turn to the workflow."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agent.bridge import BridgeError, bridge_for
from core.contracts.conversation import AgentBriefing, AgentJobMetadata, EndReason
from core.settings import Settings, get_settings

if TYPE_CHECKING:
    from livekit.agents import AgentServer, JobContext

log = logging.getLogger(__name__)


def parse_metadata(raw: str | None) -> AgentJobMetadata | None:
    """Job metadata is untrusted input: anything that is not the contract is refused."""
    if not raw:
        return None
    try:
        return AgentJobMetadata.model_validate_json(raw)
    except ValidationError:
        return None


def shutdown_reason(reason: str) -> EndReason:
    lowered = reason.lower()
    if "disconnect" in lowered or "participant" in lowered:
        return "participant_disconnected"
    if "room" in lowered and ("deleted" in lowered or "finished" in lowered or "closed" in lowered):
        return "room_finished"
    return "agent_shutdown"


def model_for(settings: Settings, briefing: AgentBriefing) -> Any:
    """LLM from settings: an OpenAI-compatible endpoint (the persona engine's ChatEngine), a
    LiveKit Inference model string, or (neither configured) the offline scripted persona."""
    from persona.engine import llm_endpoint, make_engine

    llm = llm_endpoint(settings)
    if llm is not None:
        from agent.persona import PersonaLLM

        # the same engine and prompt the text modality's client_reply activity uses
        # (a format-2 persona gives the prompt its facts and rules)
        engine = make_engine(
            persona_prompt=briefing.persona_prompt, script=briefing.offline_script, llm=llm
        )
        return PersonaLLM(engine)
    if settings.agent_llm_model:
        return settings.agent_llm_model
    from agent.text_mode import persona_llm

    return persona_llm(briefing)


async def entrypoint(ctx: JobContext, settings: Settings | None = None) -> None:
    """One room, one session: join the workflow, play the client, report every turn."""
    from livekit.agents import AgentSession

    from agent.roleplay import RolePlayClient, TranscriptRecorder
    from agent.speech import session_kwargs, speech_from_settings
    from core.contracts.conversation import AgentJoined

    settings = settings or get_settings()
    meta = parse_metadata(ctx.job.metadata)
    if meta is None:
        log.error("job %s has missing or invalid metadata; leaving the room", ctx.job.id)
        ctx.shutdown("invalid job metadata")
        return
    bridge = await bridge_for(settings, meta)
    try:
        briefing = await bridge.agent_joined(AgentJoined(agent_identity=f"agent-{ctx.job.id}"))
    except BridgeError as exc:
        # The session ended before we joined (the trainee hung up, the join timed out) or
        # another agent holds it: nothing to play, so leave the room cleanly.
        log.warning("session %s refused the agent: %s; leaving the room", meta.session_id, exc)
        await bridge.aclose()
        ctx.shutdown("session refused the agent")
        return
    recorder = TranscriptRecorder(bridge)
    session: AgentSession[Any] = AgentSession(
        **session_kwargs(speech_from_settings(settings), model_for(settings, briefing))
    )
    recorder.attach(session)

    async def on_shutdown(reason: str) -> None:
        # Closing the session first commits a trainee transcript still in flight (its event
        # fires); the history then catches any turn that never fired one.
        await session.aclose()
        await recorder.finish(shutdown_reason(reason), session.history)
        await bridge.aclose()

    ctx.add_shutdown_callback(on_shutdown)
    await session.start(agent=RolePlayClient(briefing), room=ctx.room)


def build_server(settings: Settings | None = None) -> AgentServer:
    from livekit.agents import AgentServer

    settings = settings or get_settings()
    server = AgentServer()

    async def _session(ctx: JobContext) -> None:
        await entrypoint(ctx, settings)

    server.rtc_session(_session, agent_name=settings.agent_name)
    return server


def run(argv: list[str]) -> int:
    settings = get_settings()
    if not settings.livekit_configured:
        print(
            "LiveKit is not configured: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run the voice agent.\n"
            "Without LiveKit, `voicetrain practice` and `voicetrain demo` run the same agent in text mode."
        )
        return 2
    from agent.speech import check_speech
    from core.settings import SettingsError

    try:
        check_speech(settings)
    except SettingsError as exc:
        print(exc)
        return 2
    import sys

    from livekit.agents import cli

    sys.argv = ["voicetrain-agent", *(argv or ["start"])]
    cli.run_app(build_server(settings))
    return 0
