"""The audit trail: every read of a transcript or evaluation, every assignment and deletion is an
event (who, what, when, from where); supervisors see their trainees' assessed sessions' trail,
never a confidential practice's; the trainee's own trail proves nobody else read it; rows cannot
be changed or removed; admins export it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.contracts.base import Role
from tests.api_harness import Api, make_team
from tests.supervision_helpers import assign, converse_over_bridge, start, until_phase, user_ids

BROWSER = {"User-Agent": "audit-test-browser/1.0"}


async def _trail(
    api: Api, user: str, role: Role = "trainee", **params: Any
) -> list[dict[str, Any]]:
    r = await api.http.get("/v1/audit", params=params, headers=api.auth(user, role))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def _acts(events: list[dict[str, Any]], sid: str) -> list[tuple[str, str]]:
    return sorted((e["actor_id"], e["action"]) for e in events if e["session_id"] == sid)


async def test_reads_are_recorded_and_confidential_practice_stays_invisible(api: Api) -> None:
    trainee, lead = user_ids(2)
    await make_team(api, lead, trainee)
    r = await assign(api, lead, trainee)
    assert r.status_code == 201, r.text
    assessed = (await start(api, trainee, assignment_id=r.json()["id"])).json()["session_id"]
    practice = (await start(api, trainee)).json()["session_id"]
    for sid in (assessed, practice):
        await converse_over_bridge(api, sid)
        await until_phase(api, sid, trainee, "completed")

    sup = {**api.auth(lead, "supervisor"), **BROWSER}
    assert (
        await api.http.get(f"/v1/sessions/{assessed}/transcript", headers=sup)
    ).status_code == 200
    r = await api.http.get(f"/v1/sessions/{assessed}/evaluation", headers=sup)
    assert r.status_code == 200
    # the practice is not visible to the supervisor: 404, and no read happened to record
    assert (
        await api.http.get(f"/v1/sessions/{practice}/transcript", headers=sup)
    ).status_code == 404
    mine = api.auth(trainee)
    assert (
        await api.http.get(f"/v1/sessions/{practice}/transcript", headers=mine)
    ).status_code == 200

    by_lead = await _trail(api, lead, "supervisor")
    assert _acts(by_lead, assessed) == [(lead, "evaluation.read"), (lead, "transcript.read")]
    read = next(e for e in by_lead if e["action"] == "transcript.read")
    assert (read["actor_role"], read["subject_user_id"]) == ("supervisor", trainee)
    assert read["user_agent"] == BROWSER["User-Agent"]
    assert read["client_ip"]
    assert _acts(by_lead, practice) == []  # the practice's trail is not theirs to see either

    # the trainee's own trail: who read their assessed attempt, and that nobody but them read
    # the confidential practice
    by_trainee = await _trail(api, trainee)
    assert (lead, "transcript.read") in _acts(by_trainee, assessed)
    assert _acts(by_trainee, practice) == [(trainee, "transcript.read")]
    assert _acts(await _trail(api, trainee, session_id=practice), practice) == [
        (trainee, "transcript.read")
    ]
    # a stranger sees nothing of it
    stranger = user_ids(1)[0]
    assert await _trail(api, stranger, "supervisor") == []
    # the assignment and a deletion are events too
    assert any(
        e["action"] == "assignment.create" and e["subject_user_id"] == trainee for e in by_lead
    )
    assert (await api.http.delete(f"/v1/sessions/{practice}", headers=mine)).status_code == 204
    assert (trainee, "session.delete") in _acts(await _trail(api, trainee), practice)


async def test_the_trail_is_append_only_and_admins_export_it(api: Api) -> None:
    trainee = user_ids(1)[0]
    sid = (await start(api, trainee)).json()["session_id"]
    mine = api.auth(trainee)
    assert (await api.http.get(f"/v1/sessions/{sid}/transcript", headers=mine)).status_code == 200
    async with api.sessionmaker() as db:
        for statement in (
            "UPDATE audit_events SET actor_id = 'someone-else'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                await db.execute(text(statement))
            await db.rollback()

    admin = api.auth("root", "admin")
    r = await api.http.get("/v1/audit/export", params={"format": "csv"}, headers=admin)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert any(row["session_id"] == sid and row["action"] == "transcript.read" for row in rows)
    r = await api.http.get("/v1/audit/export", headers=admin)
    assert any(e["session_id"] == sid for e in r.json())
    roles: tuple[Role, ...] = ("trainee", "supervisor")
    for role in roles:
        r = await api.http.get(
            "/v1/audit/export", params={"format": "csv"}, headers=api.auth(trainee, role)
        )
        assert r.status_code == 403
    # pages: newest first, each older than the last
    first = (await api.http.get("/v1/audit", params={"limit": 1}, headers=admin)).json()
    older = await api.http.get(
        "/v1/audit", params={"limit": 1, "before": first["next_before"]}, headers=admin
    )
    assert older.json()["items"][0]["id"] < first["items"][0]["id"]


async def test_looking_at_the_review_queue_is_on_the_trail(api: Api) -> None:
    lead = user_ids(1)[0]
    r = await api.http.get("/v1/reviews", headers=api.auth(lead, "supervisor"))
    assert r.status_code == 200, r.text
    events = [e for e in await _trail(api, "root", "admin", limit=500) if e["actor_id"] == lead]
    assert [(e["action"], e["object_type"], e["object_id"]) for e in events] == [
        ("reviews.list", "review_queue", "pending")
    ]
    # a trainee asking for it is refused before anything is read, and nothing is recorded
    trainee = user_ids(1)[0]
    assert (await api.http.get("/v1/reviews", headers=api.auth(trainee))).status_code == 403
    everything = await _trail(api, "root", "admin", limit=500)
    assert not [e for e in everything if e["actor_id"] == trainee]
