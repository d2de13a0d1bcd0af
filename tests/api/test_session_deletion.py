"""A trainee deletes a practice attempt: afterwards no table, no Temporal history and no log line
holds what they said (searched for by a unique marker), a repeated DELETE answers the same, and
nobody else can delete it."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from temporalio.client import Client

from tests.api_harness import Api, make_team
from tests.privacy_helpers import history_holds, practise, tables_holding, until_gone
from tests.supervision_helpers import assign, start


async def test_deleted_attempts_leave_no_trace_in_tables_history_or_logs(
    api: Api, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """One attempt finished and evaluated (its evaluation quotes the marker), one still running
    (its run is stopped first): both deleted, each DELETE delivered twice."""
    caplog.set_level(logging.DEBUG)
    user, marker = f"u-{uuid.uuid4()}", f"quokka{uuid.uuid4().hex}"
    line = f"I keep thinking about {marker} and it scares me, it is making my exams so hard."
    done = await practise(api, user, line)
    running = await practise(api, user, f"My roommate {marker} keeps me up at night.")
    r = await api.http.post(f"/v1/sessions/{done}/end", headers=api.auth(user))
    assert r.status_code == 202
    r = await api.http.get(
        f"/v1/sessions/{done}/evaluation", params={"wait": 20}, headers=api.auth(user)
    )
    assert r.status_code == 200, r.text
    # what the search below must not find is really there before the deletion
    assert {"transcript_turns.text", "evaluations.evaluation"} <= set(
        await tables_holding(api, marker)
    )
    assert await history_holds(client, done, marker)
    assert await history_holds(client, running, marker)

    for sid in (done, running):
        first = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(user))
        again = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(user))
        assert (first.status_code, again.status_code) == (204, 204)
        assert (
            await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
        ).status_code == 404

    assert await tables_holding(api, marker) == []
    listed = (await api.http.get("/v1/sessions", headers=api.auth(user))).json()
    assert {done, running}.isdisjoint(s["id"] for s in listed["items"])
    await asyncio.gather(*(until_gone(client, sid) for sid in (done, running)))
    # logs at INFO and above never carry transcript text
    leaked = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert [m for m in leaked if marker in m] == []


async def test_nobody_else_deletes_an_attempt(api: Api) -> None:
    owner, other = f"u-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    sid = await practise(api, owner, "Exams are making me panic.")
    r = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(other))
    assert r.status_code == 404  # not visible to them: not found, not forbidden
    r = await api.http.delete(f"/v1/sessions/{uuid.uuid4()}", headers=api.auth(owner))
    assert r.status_code == 404
    assert (await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(owner))).status_code == 200
    r = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(owner))
    assert r.status_code == 204
    # the tombstone answers its owner only
    r = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(other))
    assert r.status_code == 404


async def test_an_assessed_attempt_is_kept_for_its_trainee_and_deleted_by_an_admin(
    api: Api,
) -> None:
    supervisor, trainee = f"s-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    await make_team(api, supervisor, trainee)
    r = await assign(api, supervisor, trainee)
    assert r.status_code == 201, r.text
    r = await start(api, trainee, assignment_id=r.json()["id"])
    assert r.status_code == 201, r.text
    sid = r.json()["session_id"]
    r = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth(trainee))
    assert r.status_code == 409
    assert r.json()["error"]["type"] == "assessed_session"
    r = await api.http.delete(f"/v1/sessions/{sid}", headers=api.auth("root", "admin"))
    assert r.status_code == 204
    assert (await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(trainee))).status_code == 404
