"""Agreement and progress figures through the REST API against hand-computed figures, from
evaluations and reviews stored directly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.review import ReviewActivities
from core.contracts.base import Rating
from core.contracts.evaluation import (
    CriterionResult,
    Evaluation,
    EvaluatorInfo,
    ScenarioRef,
    SkillMetrics,
)
from core.contracts.review import Review
from core.db.evaluations import insert_first_evaluation
from core.db.models import Assignment, TrainingSession
from evaluation.criteria import RATING_SCORE
from tests.api_harness import Api, make_team
from tests.helpers import scenario_by_slug
from tests.supervision_helpers import SLUG, user_ids

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _evaluation(
    sid: uuid.UUID,
    scenario_id: uuid.UUID,
    score: float,
    passed: bool,
    ratings: tuple[Rating, Rating],
    metrics: dict[str, Any],
) -> Evaluation:
    criteria = [
        CriterionResult(
            id=cid,
            title=cid.upper(),
            weight=1,
            rating=rating,
            score=RATING_SCORE[rating],
            evidence=[],
            feedback="",
        )
        for cid, rating in zip(("c1", "c2"), ratings, strict=True)
    ]
    base = {
        "trainee_turns": 6,
        "client_turns": 6,
        "closed_questions": 0,
        "reflections": 2,
        "affirmations": 0,
        "summaries": 0,
        "longest_trainee_monologue_words": 20,
        "turns_per_minute": None,
    }
    return Evaluation(
        session_id=sid,
        overall_score=score,
        passed=passed,
        pass_mark=70,
        criteria=criteria,
        metrics=SkillMetrics.model_validate({**base, **metrics}),
        evaluator=EvaluatorInfo(name="fixture", version="1"),
        scenario=ScenarioRef(id=scenario_id, version=1),
        created_at=T0,
    )


async def test_agreement_and_progress_figures(api: Api) -> None:
    trainee, lead = user_ids(2)
    await make_team(api, lead, trainee)
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    sm = api.sessionmaker
    async with sm() as db:
        assignment = Assignment(
            scenario_id=scenario.id, trainee_id=trainee, assigned_by=lead, max_attempts=5
        )
        db.add(assignment)
        await db.flush()
        fixture: list[tuple[bool, int, float, bool, tuple[Rating, Rating], dict[str, Any]]] = [
            # (assessed?, day, score, passed, ratings, metrics)
            (True, 0, 60.0, False, ("met", "partly"),
             {"questions": 4, "open_questions": 2, "reflection_to_question_ratio": 0.5,
              "complex_reflections": 1, "advice_without_permission": 2, "trainee_talk_share": 0.6}),
            (True, 1, 80.0, True, ("met", "met"),
             {"questions": 4, "open_questions": 3, "reflection_to_question_ratio": 1.0,
              "complex_reflections": 2, "advice_without_permission": 0, "trainee_talk_share": 0.5}),
            (False, 2, 90.0, True, ("not_met", "met"),
             {"questions": 0, "open_questions": 0, "reflection_to_question_ratio": None,
              "complex_reflections": 0, "advice_without_permission": 1, "trainee_talk_share": 0.4}),
        ]  # fmt: skip
        ids = []
        for attempt, (assessed, day, score, passed, ratings, metrics) in enumerate(fixture, 1):
            sid = uuid.uuid4()
            ids.append(sid)
            db.add(
                TrainingSession(
                    id=sid,
                    user_id=trainee,
                    scenario_id=scenario.id,
                    assignment_id=assignment.id if assessed else None,
                    attempt=attempt,
                    status="completed",
                    phase="completed",
                    room_name=f"r-{sid}",
                    workflow_id=f"w-{sid}",
                    created_at=T0 + timedelta(days=day),
                )
            )
            await db.flush()
            await insert_first_evaluation(
                db, _evaluation(sid, scenario.id, score, passed, ratings, metrics)
            )
        await db.commit()
    env, acts = ActivityEnvironment(), ReviewActivities(sm)
    for sid, review in [
        (ids[0], {"passed": True, "criteria": [{"id": "c2", "rating": "met"}]}),  # overrides c2
        (ids[1], {"passed": True, "criteria": [{"id": "c1", "rating": "met"}]}),  # same rating
    ]:
        await env.run(acts.record_review, _record(sid, lead, review))

    sup = api.auth(lead, "supervisor")
    agreement = (
        await api.http.get(f"/v1/evaluation-agreement?scenario={SLUG}", headers=sup)
    ).json()
    assert agreement == {
        "scenario": SLUG,
        "since": None,
        "reviewed_sessions": 2,
        "pass_fail": {"agreed": 1, "total": 2, "rate": 0.5},
        "criteria": [
            {"criterion_id": "c1", "title": "C1", "agreed": 2, "total": 2, "rate": 1.0},
            {"criterion_id": "c2", "title": "C2", "agreed": 1, "total": 2, "rate": 0.5},
        ],
    }
    since = (T0 + timedelta(hours=12)).isoformat().replace("+00:00", "Z")
    later = (
        await api.http.get("/v1/evaluation-agreement", params={"since": since}, headers=sup)
    ).json()
    assert (later["reviewed_sessions"], later["pass_fail"]) == (
        1,
        {"agreed": 1, "total": 1, "rate": 1.0},
    )
    assert (
        await api.http.get("/v1/evaluation-agreement", headers=api.auth(trainee))
    ).status_code == 403

    # the lead sees the two assessed sessions; the first is 100 after its review (all criteria met)
    seen_by_lead = (await api.http.get(f"/v1/trainees/{trainee}/progress", headers=sup)).json()
    assert seen_by_lead["scenarios"] == [
        {
            "scenario_slug": SLUG,
            "title": scenario.title,
            "attempts": 2,
            "evaluated": 2,
            "first_score": 100.0,
            "best_score": 100.0,
            "latest_score": 80.0,
            "passed": True,
            "latest_passed": True,
        }
    ]
    assert [
        (c["criterion_id"], [p["rating"] for p in c["points"]]) for c in seen_by_lead["criteria"]
    ] == [
        ("c1", ["met", "met"]),
        ("c2", ["met", "met"]),
    ]
    assert [
        (
            s["open_question_share"],
            s["reflection_to_question_ratio"],
            s["complex_reflections"],
            s["advice_without_permission"],
            s["talk_share"],
        )
        for s in seen_by_lead["skills"]
    ] == [(0.5, 0.5, 1, 2, 0.6), (0.75, 1.0, 2, 0, 0.5)]
    own = (await api.http.get(f"/v1/trainees/{trainee}/progress", headers=api.auth(trainee))).json()
    assert [
        (s["attempts"], s["first_score"], s["best_score"], s["latest_score"], s["latest_passed"])
        for s in own["scenarios"]
    ] == [(3, 100.0, 100.0, 90.0, True)]
    assert [p["rating"] for p in own["criteria"][0]["points"]] == ["met", "met", "not_met"]
    assert own["skills"][2]["open_question_share"] is None  # no questions asked


def _record(sid: uuid.UUID, reviewer: str, body: dict[str, Any]) -> Any:
    from core.contracts.activities import RecordReview

    return RecordReview(
        session_id=sid,
        review=Review.model_validate({**body, "review_id": uuid.uuid4(), "reviewer": reviewer}),
    )
