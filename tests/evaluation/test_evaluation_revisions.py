"""Evaluation history against real Postgres: the activity writes the one current row and
revision 1; a re-score replaces the current row and appends a revision; evaluations stored by
version 1 still parse; the LLM judge's result is stored with the rubric's cross-check."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from temporalio.testing import ActivityEnvironment

from activities.judging import LLMJudge
from activities.session import SessionActivities
from core.contracts.activities import EvaluateSession, PersistTurns
from core.contracts.workflow import StartSession
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation, list_revisions
from core.db.models import EvaluationRow
from evaluation.rubric import EVALUATOR_VERSION
from tests.evaluation_helpers import C, T, turns
from tests.fake_llm_server import Behaviour, fake_llm
from tests.helpers import make_user, scenario_by_slug
from voicetrain.rescore import rescore_session

GAMING = [
    (C, "Hey. I don't really know why I'm calling. Everyone would be better off without me."),
    (T, "You're not thinking about suicide or anything, are you?"),
    (C, "No. I guess not."),
    (T, "Good. So what's your plan for the job hunt?"),
    (C, "I don't know."),
    (T, "Let's make a safety plan for your finances then."),
]


async def _evaluated_session(
    sm: SessionMaker, acts: SessionActivities, slug: str, pairs: list[tuple[str, str]]
) -> uuid.UUID:
    user = await make_user(sm)
    scenario = await scenario_by_slug(sm, slug)
    start = StartSession(session_id=uuid.uuid4(), user_id=user.id, scenario_id=scenario.id)
    env = ActivityEnvironment()
    await env.run(acts.create_session, start)
    await env.run(
        acts.persist_turns, PersistTurns(session_id=start.session_id, turns=turns(*pairs))
    )
    await env.run(acts.evaluate_session, EvaluateSession(session_id=start.session_id))
    await env.run(acts.evaluate_session, EvaluateSession(session_id=start.session_id))  # re-run
    return start.session_id


async def test_activity_writes_revision_one_and_rescore_appends(sessionmaker: SessionMaker) -> None:
    acts = SessionActivities(sessionmaker, None)
    sid = await _evaluated_session(sessionmaker, acts, "suicide-risk-assessment", GAMING)
    async with sessionmaker() as db:
        first = await current_evaluation(db, sid)
        history = await list_revisions(db, sid)
    assert first is not None
    assert [(r.revision, r.kind) for r in history] == [(1, "ai")]
    assert history[0].evaluation == first
    assert any(f.id == "key_question_negated" and f.critical for f in first.red_flags)
    assert not first.passed

    # pretend the stored one came from an older evaluator, then re-score
    async with sessionmaker() as db:
        await db.execute(
            update(EvaluationRow)
            .where(EvaluationRow.session_id == sid)
            .values(
                evaluation=EvaluationRow.evaluation.op("||")(
                    {
                        "evaluator": {"name": "voicetrain-rubric", "version": "1.0.0"},
                        "overall_score": 97,
                    }
                )
            )
        )
        await db.commit()
    rescored = await rescore_session(sessionmaker, sid)
    assert rescored is not None
    assert rescored.revision == 2
    assert rescored.before.overall_score == 97
    async with sessionmaker() as db:
        current = await current_evaluation(db, sid)
        history = await list_revisions(db, sid)
    assert current is not None
    assert current.overall_score == rescored.after.overall_score < 70
    assert [(r.revision, r.kind, r.evaluator) for r in history] == [
        (1, "ai", f"voicetrain-conversation {EVALUATOR_VERSION}"),
        (2, "rescore", f"voicetrain-conversation {EVALUATOR_VERSION}"),
    ]
    assert await rescore_session(sessionmaker, uuid.uuid4()) is None


async def test_an_evaluation_stored_by_version_1_still_parses(sessionmaker: SessionMaker) -> None:
    acts = SessionActivities(sessionmaker, None)
    sid = await _evaluated_session(
        sessionmaker,
        acts,
        "anxious-college-student",
        [(C, "Hi."), (T, "Welcome. What brings you in?"), (C, "Exams.")],
    )
    v1_criterion = {
        "id": "welcome_and_frame",
        "title": "Welcome",
        "weight": 15,
        "rating": "met",
        "score": 100,
        "evidence": [{"seq": 1, "quote": "Welcome."}],
        "feedback": "Good.",
    }
    v1_metrics = {
        "trainee_turns": 1,
        "client_turns": 2,
        "questions": 1,
        "open_questions": 1,
        "closed_questions": 0,
        "reflections": 0,
        "complex_reflections": 0,
        "affirmations": 0,
        "summaries": 0,
        "advice_without_permission": 0,
        "trainee_talk_share": 0.5,
        "longest_trainee_monologue_words": 5,
        "turns_per_minute": None,
        "reflection_to_question_ratio": 0.0,
    }
    async with sessionmaker() as db:
        await db.execute(
            update(EvaluationRow)
            .where(EvaluationRow.session_id == sid)
            .values(
                evaluation=EvaluationRow.evaluation.op("||")(
                    {
                        "criteria": [v1_criterion],
                        "metrics": v1_metrics,
                        "red_flags": [],
                        "evaluator": {"name": "voicetrain-rubric", "version": "1.0.0"},
                    }
                )
            )
        )
        await db.commit()
        stored = await current_evaluation(db, sid)
    assert stored is not None
    assert stored.evaluator.version == "1.0.0"
    assert stored.criteria[0].better_alternative is None
    assert (stored.red_flags, stored.needs_review, stored.metrics.client_engagement) == (
        [],
        False,
        None,
    )


async def test_judge_result_is_stored_with_the_rubric_cross_check(
    sessionmaker: SessionMaker,
) -> None:
    scenario = await scenario_by_slug(sessionmaker, "suicide-risk-assessment")
    ids = [c["id"] for c in scenario.rubric["criteria"]]
    quote = "You're not thinking about suicide or anything, are you?"
    content = json.dumps(
        {
            "criteria": [
                {
                    "id": cid,
                    "rating": "met",
                    "evidence": [{"seq": 1, "quote": quote}],
                    "feedback": "Fine.",
                }
                for cid in ids
            ],
            "red_flags": [],
        }
    )
    async with fake_llm() as llm:
        llm.behaviours.append(Behaviour(content=content))
        judge = LLMJudge(base_url=llm.url, model="judge-1", api_key=None, timeout=5)
        acts = SessionActivities(sessionmaker, None, judge)
        user = await make_user(sessionmaker)
        start = StartSession(session_id=uuid.uuid4(), user_id=user.id, scenario_id=scenario.id)
        env = ActivityEnvironment()
        await env.run(acts.create_session, start)
        await env.run(
            acts.persist_turns, PersistTurns(session_id=start.session_id, turns=turns(*GAMING))
        )
        summary = await env.run(acts.evaluate_session, EvaluateSession(session_id=start.session_id))
        sent = llm.requests[0]["messages"][1]["content"]
    assert '"red_flags"' in sent
    assert "key_question_negated" in sent  # the judge gets the same red flag definitions
    async with sessionmaker() as db:
        stored = await current_evaluation(db, start.session_id)
    assert stored is not None
    assert stored.evaluator.name == "llm-judge:judge-1"
    assert all(c.rating == "met" for c in stored.criteria)  # the judge passed everything...
    # ...but a judge cannot clear a crisis act: the leading question is never asking directly
    assert "never_asked_after_warning_signs" in {f.id for f in stored.red_flags}
    assert not stored.passed
    assert any(r.startswith("critical red flag") for r in stored.review_reasons)
    cross = stored.metrics.cross_check
    assert cross is not None
    assert cross.evaluator == f"voicetrain-conversation {EVALUATOR_VERSION}"
    assert not cross.passed  # ...the rubric did not
    assert "key_question_negated" in cross.red_flags
    assert stored.needs_review
    assert summary.needs_review
    assert any("disagree" in r for r in stored.review_reasons)
    assert stored.created_at <= datetime.now(UTC)
