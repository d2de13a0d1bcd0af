"""The supervisor's review through the REST API, with real Temporal and Postgres: the update,
authorization, the queue, revisions and the evaluation JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api_harness import Api, make_team
from tests.supervision_helpers import (
    assign,
    assignment_status,
    converse_over_bridge,
    start,
    until_phase,
    until_status,
    user_ids,
)


async def test_review_through_the_api(api: Api) -> None:
    trainee, lead, other_lead = user_ids(3)
    await make_team(api, lead, trainee)
    await make_team(api, other_lead)
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    r = await assign(
        api, lead, trainee, due_at=due, max_attempts=1, min_score=10, review_required=True
    )
    assignment = r.json()["id"]
    assert (r.json()["review_required"], r.json()["min_score"]) == (True, 10)
    created = await start(api, trainee, assignment_id=assignment)
    sid = created.json()["session_id"]
    assert await assignment_status(api, trainee, assignment) == "in_progress"
    practice = (await start(api, trainee)).json()["session_id"]
    await converse_over_bridge(api, sid)
    view = await until_phase(api, sid, trainee, "awaiting_review")
    assert (view["review_status"], view["late"]) == ("pending", False)
    await until_status(api, trainee, assignment, "awaiting_review")

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
    body = {
        "passed": False,
        "comment": "Try again with more reflections.",
        "criteria": [{"id": criterion["id"], "rating": other, "comment": "see turn 4"}],
    }
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
    # the review's audit event is written with the review: once, for both deliveries
    trail = (await api.http.get("/v1/audit", headers=api.auth("root", "admin"))).json()["items"]
    submitted = [e for e in trail if e["action"] == "review.submit" and e["session_id"] == sid]
    assert [(e["actor_id"], e["actor_role"], e["subject_user_id"]) for e in submitted] == [
        (lead, "supervisor", trainee)
    ]
    await until_status(api, trainee, assignment, "failed")  # one attempt, failed on review

    final = (await api.http.get(f"/v1/sessions/{sid}/evaluation", headers=api.auth(trainee))).json()
    assert final["passed"] is False
    review = final["review"]
    assert (review["reviewer"], review["comment"], review["ai_passed"]) == (
        lead,
        "Try again with more reflections.",
        ai["passed"],
    )
    assert review["overrides"] == [
        {
            "id": criterion["id"],
            "ai_rating": criterion["rating"],
            "rating": other,
            "comment": "see turn 4",
        }
    ]
    assert final["criteria"][0]["rating"] == other
    done = (await api.http.get("/v1/reviews?status=done", headers=sup)).json()["items"]
    assert [(i["session_id"], i["reviewer"]) for i in done] == [(sid, lead)]

    # a second review is a new revision; the AI's original stays listable
    r = await api.http.post(f"/v1/sessions/{sid}/review", json={"passed": True}, headers=sup)
    assert (r.status_code, r.json()["revision"]) == (200, 3)
    assert await assignment_status(api, trainee, assignment) == "passed"
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
