"""Supervisors in the loop through the REST API, with real Temporal and Postgres: teams and the
visibility matrix, assignments (scope, late attempts, derived status), the review (update,
authorization, queue, revisions, evaluation JSON), agreement and progress figures."""

from __future__ import annotations

import asyncio
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
from tests.helpers import eventually, make_turns, scenario_by_slug

SLUG = "anxious-college-student"


def _ids(n: int) -> list[str]:
    return [f"u-{uuid.uuid4()}" for _ in range(n)]


async def _scenario_id(api: Api) -> str:
    return str((await scenario_by_slug(api.sessionmaker, SLUG)).id)


async def _assign(api: Api, supervisor: str, trainee: str, **body: Any) -> Any:
    return await api.http.post(
        "/v1/assignments",
        json={"scenario_id": await _scenario_id(api), "trainee_id": trainee, **body},
        headers=api.auth(supervisor, "supervisor"),
    )


async def _start(api: Api, trainee: str, **body: str) -> Any:
    return await api.http.post(
        "/v1/sessions",
        json=body or {"scenario_id": await _scenario_id(api)},
        headers=api.auth(trainee),
    )


async def _converse(api: Api, sid: str) -> None:
    """The agent joins over the HTTP bridge, twelve turns, then the end."""
    key = api.bridge(sid)
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/agent-joined", json={"agent_identity": "a"}, headers=key
    )
    assert r.status_code == 200, r.text
    turns = {"turns": [t.model_dump(mode="json") for t in make_turns(12)]}
    assert (
        await api.http.post(f"/internal/v1/sessions/{sid}/turns", json=turns, headers=key)
    ).status_code == 202
    r = await api.http.post(
        f"/internal/v1/sessions/{sid}/ended",
        json={"reason": "agent_shutdown", "final_turn_count": 12},
        headers=key,
    )
    assert r.status_code == 202


async def _phase(api: Api, sid: str, user: str, want: str) -> dict[str, Any]:
    for _ in range(600):
        r = await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
        if r.json()["phase"] == want:
            body: dict[str, Any] = r.json()
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"session {sid} never reached {want}")


async def _status(api: Api, trainee: str, assignment: str) -> str:
    items = (await api.http.get("/v1/assignments", headers=api.auth(trainee))).json()["items"]
    return str(next(a["status"] for a in items if a["id"] == assignment))


async def _until_status(api: Api, trainee: str, assignment: str, want: str) -> None:
    """The status is derived from the rows, which follow the workflow's phase within moments."""

    async def reached() -> bool:
        return await _status(api, trainee, assignment) == want

    await eventually(reached)


async def test_visibility_matrix_and_assignment_scope(api: Api) -> None:
    trainee, lead, other_lead, other_trainee = _ids(4)
    await make_team(api, lead, trainee)
    await make_team(api, other_lead, other_trainee)
    # a supervisor assigns only to trainees of the teams they lead (403 otherwise)
    assert (await _assign(api, other_lead, trainee)).status_code == 403
    assert (await _assign(api, lead, other_trainee)).status_code == 403
    r = await _assign(api, lead, trainee)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "not_started"

    practice = (await _start(api, trainee)).json()["session_id"]
    shared = (await _start(api, trainee)).json()["session_id"]
    assessed = (await _start(api, trainee, assignment_id=r.json()["id"])).json()["session_id"]
    first = await api.http.post(f"/v1/sessions/{shared}/share", headers=api.auth(trainee))
    again = await api.http.post(f"/v1/sessions/{shared}/share", headers=api.auth(trainee))
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["shared_at"] == again.json()["shared_at"]  # idempotent

    viewers = {
        "trainee": (trainee, "trainee"),
        "lead": (lead, "supervisor"),
        "other_lead": (other_lead, "supervisor"),
        "admin": ("root", "admin"),
    }
    expected = {
        "trainee": {"practice": 200, "shared": 200, "assessed": 200},
        "lead": {"practice": 404, "shared": 200, "assessed": 200},
        "other_lead": {"practice": 404, "shared": 404, "assessed": 404},
        "admin": {"practice": 200, "shared": 200, "assessed": 200},
    }
    sessions = {"practice": practice, "shared": shared, "assessed": assessed}
    seen = {
        who: {
            kind: (
                await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user, role))  # type: ignore[arg-type]
            ).status_code
            for kind, sid in sessions.items()
        }
        for who, (user, role) in viewers.items()
    }
    assert seen == expected
    for path in ("transcript", "evaluation", "evaluation/revisions"):
        r = await api.http.get(
            f"/v1/sessions/{practice}/{path}", headers=api.auth(lead, "supervisor")
        )
        assert r.status_code == 404, path
    listed = (await api.http.get("/v1/sessions", headers=api.auth(lead, "supervisor"))).json()
    assert {s["session_id"] for s in listed["items"]} == {shared, assessed}
    # only the trainee shares: a supervisor who sees the session gets 403, others 404
    assert (
        await api.http.post(f"/v1/sessions/{shared}/share", headers=api.auth(lead, "supervisor"))
    ).status_code == 403
    assert (
        await api.http.post(f"/v1/sessions/{practice}/share", headers=api.auth(other_trainee))
    ).status_code == 404
    # progress: the trainee, their lead (over what the lead sees), an admin; else 404
    for user, role, code in [
        (trainee, "trainee", 200), (lead, "supervisor", 200), ("root", "admin", 200),
        (other_lead, "supervisor", 404), (other_trainee, "trainee", 404),
    ]:  # fmt: skip
        r = await api.http.get(f"/v1/trainees/{trainee}/progress", headers=api.auth(user, role))  # type: ignore[arg-type]
        assert r.status_code == code, (user, role)
    # teams: admin only writes; members read their own
    assert (
        await api.http.post("/v1/teams", json={"name": "x"}, headers=api.auth(lead, "supervisor"))
    ).status_code == 403
    mine = (await api.http.get("/v1/teams", headers=api.auth(trainee))).json()["items"]
    assert [sorted((m["user_id"], m["role"]) for m in t["members"]) for t in mine] == [
        sorted([(lead, "lead"), (trainee, "member")])
    ]


async def test_review_through_the_api(api: Api) -> None:
    trainee, lead, other_lead = _ids(3)
    await make_team(api, lead, trainee)
    await make_team(api, other_lead)
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    r = await _assign(api, lead, trainee, due_at=due, max_attempts=1, min_score=10,
                      review_required=True)  # fmt: skip
    assignment = r.json()["id"]
    assert (r.json()["review_required"], r.json()["min_score"]) == (True, 10)
    created = await _start(api, trainee, assignment_id=assignment)
    sid = created.json()["session_id"]
    assert await _status(api, trainee, assignment) == "in_progress"
    practice = (await _start(api, trainee)).json()["session_id"]
    await _converse(api, sid)
    view = await _phase(api, sid, trainee, "awaiting_review")
    assert (view["review_status"], view["late"]) == ("pending", False)
    await _until_status(api, trainee, assignment, "awaiting_review")

    sup = api.auth(lead, "supervisor")
    queue = (await api.http.get("/v1/reviews?status=pending", headers=sup)).json()
    assert [i["session_id"] for i in queue["items"]] == [sid]
    assert queue["items"][0]["review_status"] == "pending"
    assert (
        await api.http.get("/v1/reviews?status=pending", headers=api.auth(other_lead, "supervisor"))
    ).json()["items"] == []
    assert (await api.http.get("/v1/reviews", headers=api.auth(trainee))).status_code == 403

    ai = (await api.http.get(f"/v1/sessions/{sid}/evaluation", headers=sup)).json()
    assert ai.get("review") is None
    criterion = ai["criteria"][0]
    other = "met" if criterion["rating"] != "met" else "not_met"
    body = {"passed": False, "comment": "Try again with more reflections.",
            "criteria": [{"id": criterion["id"], "rating": other, "comment": "see turn 4"}]}  # fmt: skip
    # a trainee: 403; a supervisor of another team: 404; invalid ids: 422; practice: 404/409
    assert (
        await api.http.post(f"/v1/sessions/{sid}/review", json=body, headers=api.auth(trainee))
    ).status_code == 403
    r = await api.http.post(
        f"/v1/sessions/{sid}/review", json=body, headers=api.auth(other_lead, "supervisor")
    )
    assert r.status_code == 404
    r = await api.http.post(
        f"/v1/sessions/{sid}/review",
        json={**body, "criteria": [{"id": "nope", "rating": "met"}]},
        headers=sup,
    )
    assert (r.status_code, r.json()["error"]["type"]) == (422, "invalid_request")
    r = await api.http.post(
        f"/v1/sessions/{sid}/review",
        json={**body, "criteria": [{"id": "x", "rating": "great"}]},
        headers=sup,
    )
    assert r.status_code == 422
    r = await api.http.post(
        f"/v1/sessions/{practice}/review", json=body, headers=api.auth("root", "admin")
    )
    assert (r.status_code, r.json()["error"]["type"]) == (409, "not_awaiting_review")

    keyed = {**sup, "Idempotency-Key": "review-1"}
    first = await api.http.post(f"/v1/sessions/{sid}/review", json=body, headers=keyed)
    again = await api.http.post(f"/v1/sessions/{sid}/review", json=body, headers=keyed)
    assert (first.status_code, again.status_code) == (200, 200), first.text
    assert first.json() == again.json()
    assert (first.json()["revision"], first.json()["passed"]) == (2, False)
    await _until_status(api, trainee, assignment, "failed")  # one attempt, failed on review

    final = (await api.http.get(f"/v1/sessions/{sid}/evaluation", headers=api.auth(trainee))).json()
    assert final["passed"] is False
    review = final["review"]
    assert (review["reviewer"], review["comment"], review["ai_passed"]) == (
        lead, "Try again with more reflections.", ai["passed"],
    )  # fmt: skip
    assert review["overrides"] == [
        {"id": criterion["id"], "ai_rating": criterion["rating"], "rating": other,
         "comment": "see turn 4"}
    ]  # fmt: skip
    assert final["criteria"][0]["rating"] == other
    done = (await api.http.get("/v1/reviews?status=done", headers=sup)).json()["items"]
    assert [(i["session_id"], i["reviewer"]) for i in done] == [(sid, lead)]

    # a second review is a new revision; the AI's original stays listable
    r = await api.http.post(f"/v1/sessions/{sid}/review", json={"passed": True}, headers=sup)
    assert (r.status_code, r.json()["revision"]) == (200, 3)
    assert await _status(api, trainee, assignment) == "passed"
    revisions = (
        await api.http.get(f"/v1/sessions/{sid}/evaluation/revisions", headers=api.auth(trainee))
    ).json()["items"]
    assert [(x["revision"], x["kind"]) for x in revisions] == [
        (1, "ai"),
        (2, "review"),
        (3, "review"),
    ]
    assert revisions[0]["evaluation"]["criteria"][0]["rating"] == criterion["rating"]
    assert revisions[0]["evaluation"]["review"] is None


async def test_late_attempts_are_marked_or_refused(api: Api) -> None:
    trainee, lead = _ids(2)
    await make_team(api, lead, trainee)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    allowed = (await _assign(api, lead, trainee, due_at=past)).json()
    refused = (await _assign(api, lead, trainee, due_at=past, late_policy="refuse")).json()
    assert (allowed["status"], refused["status"]) == ("overdue", "overdue")
    r = await _start(api, trainee, assignment_id=allowed["id"])
    assert r.status_code == 201, r.text
    view = (
        await api.http.get(f"/v1/sessions/{r.json()['session_id']}", headers=api.auth(trainee))
    ).json()
    assert view["late"] is True
    assert await _status(api, trainee, allowed["id"]) == "in_progress"
    r = await _start(api, trainee, assignment_id=refused["id"])
    assert (r.status_code, r.json()["error"]["type"]) == (409, "assignment_closed")


# --- agreement and progress against hand-computed figures -------------------------------------

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _evaluation(sid: uuid.UUID, scenario_id: uuid.UUID, score: float, passed: bool,
                ratings: tuple[Rating, Rating], metrics: dict[str, Any]) -> Evaluation:  # fmt: skip
    criteria = [
        CriterionResult(id=cid, title=cid.upper(), weight=1, rating=rating,
                        score=RATING_SCORE[rating], evidence=[], feedback="")
        for cid, rating in zip(("c1", "c2"), ratings, strict=True)
    ]  # fmt: skip
    base = {"trainee_turns": 6, "client_turns": 6, "closed_questions": 0, "reflections": 2,
            "affirmations": 0, "summaries": 0, "longest_trainee_monologue_words": 20,
            "turns_per_minute": None}  # fmt: skip
    return Evaluation(
        session_id=sid, overall_score=score, passed=passed, pass_mark=70, criteria=criteria,
        metrics=SkillMetrics.model_validate({**base, **metrics}),
        evaluator=EvaluatorInfo(name="fixture", version="1"),
        scenario=ScenarioRef(id=scenario_id, version=1), created_at=T0,
    )  # fmt: skip


async def test_agreement_and_progress_figures(api: Api) -> None:
    trainee, lead = _ids(2)
    await make_team(api, lead, trainee)
    scenario = await scenario_by_slug(api.sessionmaker, SLUG)
    sm = api.sessionmaker
    async with sm() as db:
        assignment = Assignment(scenario_id=scenario.id, trainee_id=trainee, assigned_by=lead,
                                max_attempts=5)  # fmt: skip
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
            db.add(TrainingSession(
                id=sid, user_id=trainee, scenario_id=scenario.id,
                assignment_id=assignment.id if assessed else None, attempt=attempt,
                status="completed", phase="completed", room_name=f"r-{sid}", workflow_id=f"w-{sid}",
                created_at=T0 + timedelta(days=day),
            ))  # fmt: skip
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
        "scenario": SLUG, "since": None, "reviewed_sessions": 2,
        "pass_fail": {"agreed": 1, "total": 2, "rate": 0.5},
        "criteria": [
            {"criterion_id": "c1", "title": "C1", "agreed": 2, "total": 2, "rate": 1.0},
            {"criterion_id": "c2", "title": "C2", "agreed": 1, "total": 2, "rate": 0.5},
        ],
    }  # fmt: skip
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
    assert seen_by_lead["scenarios"] == [{
        "scenario_slug": SLUG, "title": scenario.title, "attempts": 2, "evaluated": 2,
        "first_score": 100.0, "best_score": 100.0, "latest_score": 80.0, "passed": True,
        "latest_passed": True,
    }]  # fmt: skip
    assert [(c["criterion_id"], [p["rating"] for p in c["points"]]) for c in seen_by_lead["criteria"]] == [
        ("c1", ["met", "met"]), ("c2", ["met", "met"]),
    ]  # fmt: skip
    assert [
        (s["open_question_share"], s["reflection_to_question_ratio"], s["complex_reflections"],
         s["advice_without_permission"], s["talk_share"])
        for s in seen_by_lead["skills"]
    ] == [(0.5, 0.5, 1, 2, 0.6), (0.75, 1.0, 2, 0, 0.5)]  # fmt: skip
    own = (await api.http.get(f"/v1/trainees/{trainee}/progress", headers=api.auth(trainee))).json()
    assert [(s["attempts"], s["first_score"], s["best_score"], s["latest_score"], s["latest_passed"])
            for s in own["scenarios"]] == [(3, 100.0, 100.0, 90.0, True)]  # fmt: skip
    assert [p["rating"] for p in own["criteria"][0]["points"]] == ["met", "met", "not_met"]
    assert own["skills"][2]["open_question_share"] is None  # no questions asked


def _record(sid: uuid.UUID, reviewer: str, body: dict[str, Any]) -> Any:
    from core.contracts.activities import RecordReview

    return RecordReview(
        session_id=sid,
        review=Review.model_validate({**body, "review_id": uuid.uuid4(), "reviewer": reviewer}),
    )
