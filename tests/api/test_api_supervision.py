"""Supervisors in the loop through the REST API, with real Temporal and Postgres: teams and the
visibility matrix, assignments (scope, late attempts, derived status)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api_harness import Api, make_team
from tests.supervision_helpers import assign, assignment_status, start, user_ids


async def test_visibility_matrix_and_assignment_scope(api: Api) -> None:
    trainee, lead, other_lead, other_trainee = user_ids(4)
    await make_team(api, lead, trainee)
    await make_team(api, other_lead, other_trainee)
    # a supervisor assigns only to trainees of the teams they lead (403 otherwise)
    assert (await assign(api, other_lead, trainee)).status_code == 403
    assert (await assign(api, lead, other_trainee)).status_code == 403
    r = await assign(api, lead, trainee)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "not_started"

    practice = (await start(api, trainee)).json()["session_id"]
    shared = (await start(api, trainee)).json()["session_id"]
    assessed = (await start(api, trainee, assignment_id=r.json()["id"])).json()["session_id"]
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


async def test_late_attempts_are_marked_or_refused(api: Api) -> None:
    trainee, lead = user_ids(2)
    await make_team(api, lead, trainee)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    allowed = (await assign(api, lead, trainee, due_at=past)).json()
    refused = (await assign(api, lead, trainee, due_at=past, late_policy="refuse")).json()
    assert (allowed["status"], refused["status"]) == ("overdue", "overdue")
    r = await start(api, trainee, assignment_id=allowed["id"])
    assert r.status_code == 201, r.text
    view = (
        await api.http.get(f"/v1/sessions/{r.json()['session_id']}", headers=api.auth(trainee))
    ).json()
    assert view["late"] is True
    assert await assignment_status(api, trainee, allowed["id"]) == "in_progress"
    r = await start(api, trainee, assignment_id=refused["id"])
    assert (r.status_code, r.json()["error"]["type"]) == (409, "assignment_closed")
