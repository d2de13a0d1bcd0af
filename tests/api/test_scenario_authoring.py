"""Scenario authoring over REST: a supervisor drafts, edits, publishes, versions and archives a
scenario of their organisation; trainees see published versions only; another organisation
sees nothing; bad documents are refused with the field named and nothing saved; every write
delivered twice has one effect; a session keeps the version it started on."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sqlalchemy import func, select

from core.db.models import Scenario
from core.scenarios.library import load_library
from tests.api_harness import Api, make_team


def _doc(slug: str) -> dict[str, Any]:
    """A complete scenario document: a built-in's content under a new slug."""
    builtin = next(d for d in load_library() if d.slug == "anxious-college-student")
    doc = builtin.model_dump(mode="json")
    doc["slug"], doc["title"] = slug, f"Authored {slug}"
    return doc


def _staff(api: Api, user: str, org: str = "acme") -> dict[str, str]:
    token = api.token(user, "supervisor", org=org)
    return {"Authorization": f"Bearer {token}"}


async def _count(api: Api, slug: str) -> int:
    async with api.sessionmaker() as db:
        return int(await db.scalar(select(func.count()).where(Scenario.slug == slug)) or 0)


async def test_draft_publish_edit_versions_archive(api: Api) -> None:
    lead, slug = f"s-{uuid.uuid4()}", f"caller-{uuid.uuid4().hex[:8]}"
    sup = _staff(api, lead)
    # a draft may be incomplete; delivered twice it is one draft
    bare = {"slug": slug, "title": "Half written"}
    first = await api.http.post("/v1/scenarios", json=bare, headers=sup)
    again = await api.http.post("/v1/scenarios", json=bare, headers=sup)
    assert (first.status_code, again.status_code) == (201, 201), first.text
    assert first.json()["id"] == again.json()["id"]
    draft = first.json()
    assert (draft["status"], draft["version"], draft["built_in"]) == ("draft", 1, False)
    # publishing an incomplete draft: 422 naming the fields, still a draft
    r = await api.http.post(f"/v1/scenarios/{draft['id']}/publish", headers=sup)
    assert r.status_code == 422
    assert "persona.opening_line" in r.json()["error"]["message"]
    # every missing field listed on its own, path and reason, for a form to show each
    problems = r.json()["error"]["problems"]
    paths = {p["path"] for p in problems}
    assert {"persona.opening_line", "briefing"} <= paths, problems
    assert all(p["message"] for p in problems)
    assert (await api.http.get(f"/v1/scenarios/{draft['id']}", headers=sup)).json()[
        "status"
    ] == "draft"
    # trainees do not see drafts
    trainee = {"Authorization": f"Bearer {api.token(f'u-{uuid.uuid4()}', 'trainee', org='acme')}"}
    assert (await api.http.get(f"/v1/scenarios/{draft['id']}", headers=trainee)).status_code == 404

    # completed in place, then published (twice: once)
    r = await api.http.put(f"/v1/scenarios/{draft['id']}", json=_doc(slug), headers=sup)
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["version"]) == (draft["id"], 1)
    for _ in range(2):
        r = await api.http.post(f"/v1/scenarios/{draft['id']}/publish", headers=sup)
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["version"]) == ("published", 1)
    listed = (await api.http.get("/v1/scenarios", headers=trainee)).json()
    assert [s["version"] for s in listed if s["slug"] == slug] == [1]
    seen = (await api.http.get(f"/v1/scenarios/{draft['id']}", headers=trainee)).json()
    assert seen["definition"] is None  # the client's facts stay hidden from trainees

    # editing the published version is the next version, a draft; v1 stays as it was
    edited = _doc(slug)
    edited["persona"]["opening_line"] = "Hi. Sorry, I'm not sure where to start."
    r = await api.http.put(f"/v1/scenarios/{draft['id']}", json=edited, headers=sup)
    assert (r.json()["version"], r.json()["status"]) == (2, "draft")
    again = await api.http.put(f"/v1/scenarios/{draft['id']}", json=edited, headers=sup)
    assert again.json()["id"] == r.json()["id"]  # the same edit twice: one new version
    v2 = r.json()["id"]
    listed = (await api.http.get("/v1/scenarios", headers=trainee)).json()
    assert [s["version"] for s in listed if s["slug"] == slug] == [1]  # v2 is not published yet
    mine = (await api.http.get("/v1/scenarios?include=all", headers=sup)).json()
    assert [(s["version"], s["status"]) for s in mine if s["slug"] == slug] == [(2, "draft")]
    assert (await api.http.post(f"/v1/scenarios/{v2}/publish", headers=sup)).status_code == 200
    versions = (await api.http.get(f"/v1/scenarios/{v2}/versions", headers=sup)).json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "published"), (2, "published")]
    assert await _count(api, slug) == 2

    # archived: gone from the library, no new start
    for _ in range(2):
        r = await api.http.post(f"/v1/scenarios/{v2}/archive", headers=sup)
        assert (r.status_code, r.json()["status"]) == (200, "archived")
    assert slug not in {
        s["slug"] for s in (await api.http.get("/v1/scenarios", headers=trainee)).json()
    }
    r = await api.http.put(f"/v1/scenarios/{v2}", json=_doc(slug), headers=sup)
    assert r.status_code == 409


async def test_organisations_roles_and_built_ins(api: Api) -> None:
    slug = f"acme-{uuid.uuid4().hex[:8]}"
    sup = _staff(api, f"s-{uuid.uuid4()}")
    made = (await api.http.post("/v1/scenarios", json=_doc(slug), headers=sup)).json()
    other = _staff(api, f"s-{uuid.uuid4()}", org="globex")
    for method, path in (
        ("GET", f"/v1/scenarios/{made['id']}"),
        ("PUT", f"/v1/scenarios/{made['id']}"),
        ("POST", f"/v1/scenarios/{made['id']}/publish"),
        ("POST", f"/v1/scenarios/{made['id']}/archive"),
    ):
        body = _doc(slug) if method == "PUT" else None
        r = await api.http.request(method, path, json=body, headers=other)
        assert r.status_code == 404, (method, path, r.text)
    assert slug not in {
        s["slug"] for s in (await api.http.get("/v1/scenarios?include=all", headers=other)).json()
    }
    # a trainee cannot author
    r = await api.http.post(
        "/v1/scenarios", json=_doc(f"t-{uuid.uuid4().hex[:8]}"), headers=api.auth("t-1")
    )
    assert r.status_code == 403
    # a built-in is read by everyone and edited only as a copy
    builtin = next(
        s for s in (await api.http.get("/v1/scenarios", headers=other)).json() if s["built_in"]
    )
    doc = (await api.http.get(f"/v1/scenarios/{builtin['id']}", headers=other)).json()["definition"]
    r = await api.http.put(f"/v1/scenarios/{builtin['id']}", json=doc, headers=other)
    assert (r.status_code, r.json()["error"]["type"]) == (409, "scenario_locked")
    doc["slug"] = f"copy-{uuid.uuid4().hex[:8]}"
    r = await api.http.post("/v1/scenarios", json=doc, headers=other)
    assert (r.status_code, r.json()["built_in"]) == (201, False)
    # a slug taken by someone else is refused
    r = await api.http.post("/v1/scenarios", json={**_doc(slug), "title": "Mine"}, headers=other)
    assert r.status_code == 409


async def test_bad_documents_are_refused_with_the_field_named_and_nothing_saved(api: Api) -> None:
    sup = _staff(api, f"s-{uuid.uuid4()}")
    good = _doc(f"bad-{uuid.uuid4().hex[:8]}")
    unknown_flag = copy.deepcopy(good)
    unknown_flag["rubric"]["red_flags"] = ["no_such_flag"]
    oversized = {**good, "briefing": "x" * 9000}
    nul = copy.deepcopy(good)
    nul["persona"]["opening_line"] = "hello\x00there"
    extra = {**good, "regex": "(?i)pills"}
    cases = [
        (unknown_flag, "rubric.red_flags"),
        (oversized, "briefing"),
        (nul, "persona.opening_line"),
        (extra, "regex"),
        ({**good, "slug": "X"}, "slug"),
    ]
    for body, field in cases:
        r = await api.http.post("/v1/scenarios", json=body, headers=sup)
        assert r.status_code == 422, (field, r.text)
        assert field in r.json()["error"]["message"], (field, r.text)
        assert any(p["path"].startswith(field) for p in r.json()["error"]["problems"]), r.text
    assert await _count(api, good["slug"]) == 0


async def test_an_attempt_keeps_its_version_and_assignments_follow_the_newest(api: Api) -> None:
    lead, trainee, slug = f"s-{uuid.uuid4()}", f"u-{uuid.uuid4()}", f"v-{uuid.uuid4().hex[:8]}"
    await make_team(api, lead, trainee)
    sup = _staff(api, lead, org="default")
    v1 = (await api.http.post("/v1/scenarios", json=_doc(slug), headers=sup)).json()
    assert (
        await api.http.post(f"/v1/scenarios/{v1['id']}/publish", headers=sup)
    ).status_code == 200
    r = await api.http.post(
        "/v1/assignments",
        json={"scenario_id": v1["id"], "trainee_id": trainee, "max_attempts": 3},
        headers=sup,
    )
    assert r.status_code == 201, r.text
    assignment = r.json()["id"]
    start = {"assignment_id": assignment, "modality": "text"}
    first = (await api.http.post("/v1/sessions", json=start, headers=api.auth(trainee))).json()
    edited = _doc(slug)
    edited["persona"]["opening_line"] = "Hello. It's me again, about the exams."
    v2 = (await api.http.put(f"/v1/scenarios/{v1['id']}", json=edited, headers=sup)).json()
    assert (
        await api.http.post(f"/v1/scenarios/{v2['id']}/publish", headers=sup)
    ).status_code == 200
    second = (await api.http.post("/v1/sessions", json=start, headers=api.auth(trainee))).json()
    assert first["opening_line"] != second["opening_line"] == edited["persona"]["opening_line"]
    views = [
        (await api.http.get(f"/v1/sessions/{s['session_id']}", headers=api.auth(trainee))).json()
        for s in (first, second)
    ]
    assert [v["scenario_version"] for v in views] == [1, 2]
