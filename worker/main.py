"""The Temporal worker process: registers the workflow and the activities, stops gracefully."""

from __future__ import annotations

import asyncio
import compileall
import logging
import signal
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows
from activities.calibrating import CalibrationActivities
from activities.judging import LLMJudge
from activities.livekit_rooms import LiveKitRooms
from activities.persona import PersonaActivities
from activities.retention import RetentionActivities
from activities.review import ReviewActivities
from activities.session import SessionActivities
from core.db.engine import SessionMaker, make_engine, make_sessionmaker
from core.runtime import freeze_startup_heap
from core.settings import Settings
from core.temporal import connect
from persona.engine import LLMEndpoint, llm_endpoint
from worker.schedules import ensure_retention_schedule
from workflows.calibration import ScenarioCalibrationWorkflow
from workflows.retention import RetentionWorkflow
from workflows.session import TrainingSessionWorkflow

log = logging.getLogger(__name__)

STICKY_SCHEDULE_TO_START = timedelta(seconds=3)

# The sandbox stays on for the workflow module itself (it catches non-determinism there), but
# deterministic, stateless helpers and pydantic are shared instead of re-imported for every new
# workflow run (that re-import was ~30 % of the worker's CPU per session start, issue 16).
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "workflows.calls",
        "workflows.interface",
        "workflows.turns",
        "workflows.policies",
        "pydantic",
        "pydantic_core",
    )
)


def compile_workflow_modules() -> None:
    """The sandbox imports the workflow modules afresh for every new run. Without their bytecode
    on disk (a fresh checkout, PYTHONDONTWRITEBYTECODE=1) each of those imports compiles the
    source again: ~15 ms of a session start here (issue 16). Written once, at worker start; the
    image compiles at build time (its tree is read-only at run time, where this does nothing)."""
    compileall.compile_dir(str(Path(workflows.__file__).parent), quiet=2)


def livekit_from(settings: Settings) -> LiveKitRooms | None:
    if not settings.livekit_configured:
        return None
    assert settings.livekit_url
    assert settings.livekit_api_key
    assert settings.livekit_api_secret
    assert settings.internal_service_key, "settings validation requires it with LiveKit"
    return LiveKitRooms(
        url=settings.livekit_url,
        api_key=settings.livekit_api_key,
        api_secret=settings.livekit_api_secret.get_secret_value(),
        agent_name=settings.agent_name,
        bridge_key=settings.internal_service_key.get_secret_value(),
    )


def judge_from(settings: Settings) -> LLMJudge | None:
    llm = llm_endpoint(settings)
    if llm is None:
        return None
    return LLMJudge(
        base_url=llm.base_url, model=llm.model, api_key=llm.api_key, timeout=llm.timeout
    )


def persona_llm_from(settings: Settings) -> LLMEndpoint | None:
    """The LLM persona of text sessions: the same endpoint the voice agent plays with."""
    return llm_endpoint(settings)


def build_worker(
    client: Client,
    settings: Settings,
    sessionmaker: SessionMaker,
    *,
    task_queue: str | None = None,
    livekit: LiveKitRooms | None = None,
    judge: LLMJudge | None = None,
    persona_llm: LLMEndpoint | None = None,
) -> Worker:
    compile_workflow_modules()
    acts = SessionActivities(
        sessionmaker, livekit, judge, max_active_sessions=settings.max_active_sessions_per_user
    )
    persona = PersonaActivities(sessionmaker, persona_llm)
    review = ReviewActivities(sessionmaker)
    calibration = CalibrationActivities(sessionmaker)
    retention = RetentionActivities(sessionmaker, client)
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[TrainingSessionWorkflow, ScenarioCalibrationWorkflow, RetentionWorkflow],
        activities=[
            acts.create_session,
            acts.load_scenario,
            acts.dispatch_agent,
            acts.close_room,
            acts.persist_turns,
            acts.mark_phase,
            acts.evaluate_session,
            persona.client_reply,
            review.record_review,
            review.mark_review,
            calibration.calibrate_scenario,
            retention.purge_expired_transcripts,
        ],
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        # After a worker dies, its cached workflows' next tasks wait this long on its sticky
        # queue before any worker may take them (default 10 s).
        sticky_queue_schedule_to_start_timeout=STICKY_SCHEDULE_TO_START,
        workflow_runner=SANDBOX,
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


def worker_from_settings(client: Client, settings: Settings, engine: AsyncEngine) -> Worker:
    """The worker as every process runs it: LiveKit and the LLM judge as configured."""
    return build_worker(
        client,
        settings,
        make_sessionmaker(engine),
        livekit=livekit_from(settings),
        judge=judge_from(settings),
        persona_llm=persona_llm_from(settings),
    )


async def run_worker(settings: Settings) -> None:
    if not settings.database_url:
        raise SystemExit("no database: set VOICETRAIN_DATABASE_URL or start `voicetrain dev`")
    client = await connect(settings)
    engine = make_engine(
        settings.database_url, pool_size=settings.database_pool_size, pre_ping=False
    )
    worker = worker_from_settings(client, settings, engine)
    await ensure_retention_schedule(client, settings.task_queue)
    freeze_startup_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling task queue %s on %s", settings.task_queue, settings.temporal_namespace)
    async with worker:
        await stop.wait()
        log.info("worker stopping: finishing in-flight tasks")
    await engine.dispose()
