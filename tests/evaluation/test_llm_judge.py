"""The optional LLM judge against a real local OpenAI-compatible HTTP server."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.session import SessionActivities
from core.contracts.activities import EvaluateSession, PersistTurns
from core.contracts.conversation import EndConversation
from core.contracts.evaluation import Evaluation
from core.contracts.workflow import SessionLimits, StartSession
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation
from core.settings import load_settings
from evaluation.judge import LLMJudge
from tests.fake_llm_server import Behaviour, fake_llm, judgment
from tests.helpers import converse, make_turns, make_user, scenario_by_slug, start_session
from worker.main import build_worker
from workflows.interface import workflow_id

SLUG = "anxious-college-student"


async def _session_with_turns(
    sm: SessionMaker, acts: SessionActivities
) -> tuple[uuid.UUID, list[str]]:
    user = await make_user(sm)
    scenario = await scenario_by_slug(sm, SLUG)
    start = StartSession(session_id=uuid.uuid4(), user_id=user.id, scenario_id=scenario.id)
    env = ActivityEnvironment()
    await env.run(acts.create_session, start)
    await env.run(
        acts.persist_turns, PersistTurns(session_id=start.session_id, turns=make_turns(6))
    )
    return start.session_id, [c["id"] for c in scenario.rubric["criteria"]]


async def _stored(sm: SessionMaker, session_id: uuid.UUID) -> Evaluation:
    async with sm() as db:
        stored = await current_evaluation(db, session_id)
    assert stored is not None
    return stored


async def test_valid_judgment_is_stored(sessionmaker: SessionMaker) -> None:
    async with fake_llm() as llm:
        judge = LLMJudge(base_url=llm.url, model="judge-1", api_key="sk-test", timeout=5)
        acts = SessionActivities(sessionmaker, None, judge)
        sid, ids = await _session_with_turns(sessionmaker, acts)
        quote = make_turns(6)[2].text
        llm.behaviours.append(Behaviour(content=judgment(ids, [(2, quote[:20])])))
        summary = await ActivityEnvironment().run(
            acts.evaluate_session, EvaluateSession(session_id=sid)
        )
        assert llm.requests[0]["model"] == "judge-1"
        assert llm.requests[0]["response_format"]["type"] == "json_schema"
    evaluation = await _stored(sessionmaker, sid)
    assert (summary.fallback, evaluation.evaluator.name, evaluation.evaluator.fallback) == (
        False,
        "llm-judge:judge-1",
        False,
    )
    assert evaluation.overall_score == 100
    assert (
        evaluation.criteria[0].evidence[0].quote == quote
    )  # the turn's own text, not the judge's copy
    assert evaluation.metrics.trainee_turns == 3  # deterministic metrics always included


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Behaviour(content="this is not json"), "invalid output"),
        (Behaviour(content=judgment(["welcome_and_frame"], [])), "do not match the rubric"),
        ("hallucinated", "does not exist"),
        (Behaviour(delay=2.0, content="{}"), "timed out"),
    ],
)
async def test_judge_failures_retry_then_fall_back_to_the_rubric(
    sessionmaker: SessionMaker, behaviour: Behaviour | str, reason: str
) -> None:
    async with fake_llm() as llm:
        judge = LLMJudge(base_url=llm.url, model="judge-1", api_key=None, timeout=0.5)
        acts = SessionActivities(sessionmaker, None, judge)
        sid, ids = await _session_with_turns(sessionmaker, acts)
        if behaviour == "hallucinated":
            behaviour = Behaviour(content=judgment(ids, [(99, "I never said this")]))
        assert isinstance(behaviour, Behaviour)
        llm.behaviours += [behaviour, dataclasses.replace(behaviour)]
        request = EvaluateSession(session_id=sid, judge_max_attempts=2)
        env = ActivityEnvironment()
        with pytest.raises(ApplicationError) as retry:  # not the last attempt: let the policy retry
            await env.run(acts.evaluate_session, request)
        assert retry.value.type == "JudgeUnavailable"
        assert not retry.value.non_retryable
        env.info = dataclasses.replace(env.info, attempt=2)  # the last judge attempt
        summary = await env.run(acts.evaluate_session, request)
    evaluation = await _stored(sessionmaker, sid)
    assert summary.fallback is True
    assert (evaluation.evaluator.name, evaluation.evaluator.fallback) == (
        "voicetrain-conversation",
        True,
    )
    assert reason in (evaluation.evaluator.reason or "")


async def test_rate_limited_judge_is_retried_by_the_activity_policy(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> None:
    user = await make_user(sessionmaker)
    scenario = await scenario_by_slug(sessionmaker, SLUG)
    ids = [c["id"] for c in scenario.rubric["criteria"]]
    turns = make_turns(6)
    async with fake_llm() as llm:
        llm.behaviours += [
            Behaviour(status=429),
            Behaviour(content=judgment(ids, [(0, turns[0].text)], "partly")),
        ]
        judge = LLMJudge(base_url=llm.url, model="judge-1", api_key=None, timeout=5)
        async with build_worker(
            client, load_settings(env="dev"), sessionmaker, task_queue=task_queue, judge=judge
        ):
            handle, ready = await start_session(
                client,
                task_queue,
                user_id=user.id,
                scenario_id=scenario.id,
                limits=SessionLimits(judge_max_attempts=3),
            )
            await converse(
                handle, turns, end=EndConversation(reason="trainee_ended", final_turn_count=6)
            )
            outcome = await handle.result()
    assert outcome.evaluation is not None
    assert outcome.evaluation.fallback is False
    assert outcome.evaluation.evaluator.startswith("llm-judge:judge-1")
    history = await client.get_workflow_handle(workflow_id(ready.session_id)).fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert max(attempts) == 2  # the 429 made the evaluation activity retry once
    assert outcome.evaluation.overall_score == 50
