"""A trainee exports everything held about them: their sessions with transcripts, evaluations and
revisions, and the audit events about them — and nothing of anyone else's."""

from __future__ import annotations

import uuid

from tests.api_harness import Api
from tests.helpers import scenario_by_slug


async def _practise(api: Api, user: str, line: str) -> str:
    scenario = await scenario_by_slug(api.sessionmaker, "anxious-college-student")
    r = await api.http.post(
        "/v1/sessions",
        json={"scenario_id": str(scenario.id), "modality": "text"},
        headers=api.auth(user),
    )
    assert r.status_code == 201, r.text
    sid: str = r.json()["session_id"]
    for said in (line, "What feels hardest about it?", "That sounds like a lot to carry."):
        r = await api.http.post(
            f"/v1/sessions/{sid}/messages", json={"text": said}, headers=api.auth(user)
        )
        assert r.status_code == 200, r.text
    return sid


async def test_a_trainee_exports_everything_held_about_them(api: Api) -> None:
    me, other = f"u-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    marker, foreign = f"mine{uuid.uuid4().hex}", f"theirs{uuid.uuid4().hex}"
    sid = await _practise(api, me, f"Exams and {marker} keep me up at night.")
    await _practise(api, other, f"My {foreign} worries me.")
    assert (await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(me))).status_code == 202
    r = await api.http.get(
        f"/v1/sessions/{sid}/evaluation", params={"wait": 20}, headers=api.auth(me)
    )
    assert r.status_code == 200, r.text

    r = await api.http.get("/v1/me/export", headers=api.auth(me))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user_id"] == me
    [session] = body["sessions"]
    assert session["id"] == sid
    assert session["scenario_slug"] == "anxious-college-student"
    assert any(marker in t["text"] for t in session["turns"])
    assert session["evaluation"]["session_id"] == sid
    assert [rev["revision"] for rev in session["revisions"]] == [1]
    assert ("evaluation.read", sid) in {
        (e["action"], e["session_id"]) for e in body["audit_events"]
    }
    assert foreign not in r.text  # nothing of anyone else
    # the export itself is on the trail
    again = (await api.http.get("/v1/me/export", headers=api.auth(me))).json()
    assert "me.export" in {e["action"] for e in again["audit_events"]}
