"""Per-scenario calibration: a supervisor labels attempts of their team's trainees (pass/fail, a
score, every criterion) and sees how far the evaluator agrees with the labels, re-run with the
version they ask about — the played version reproduces the attempts' stored evaluations, and a
draft with a stricter pass mark changes the figures before it is published."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from core.db.models import AuditEvent
from tests.api_harness import Api, make_team
from tests.helpers import scenario_by_slug

BASE = "anxious-college-student"
GOOD = [
    "Hi, I'm glad you reached out. What's been going on for you?",
    "It sounds like the exams are piling up and you feel you can't keep up. What worries you most?",
    "That's a lot to carry alone. How has it been affecting your sleep and your days?",
    "You're worried about letting your parents down. What would help you feel a bit steadier?",
]
POOR = [
    "Everyone gets stressed about exams, just calm down.",
    "You should make a timetable and stop worrying so much.",
    "Honestly it's not a big deal, you'll be fine.",
]


async def _authored_copy(api: Api, supervisor: str) -> dict[str, Any]:
    """An organisation's own copy of a built-in, published: its definition as the console
    would send it."""
    built_in = await scenario_by_slug(api.sessionmaker, BASE)
    staff = api.auth(supervisor, "supervisor")
    doc = (await api.http.get(f"/v1/scenarios/{built_in.id}", headers=staff)).json()["definition"]
    doc = {**doc, "slug": f"calib-{uuid.uuid4().hex[:10]}", "title": "Exam stress (our copy)"}
    r = await api.http.post("/v1/scenarios", json=doc, headers=staff)
    assert r.status_code == 201, r.text
    r = await api.http.post(f"/v1/scenarios/{r.json()['id']}/publish", headers=staff)
    assert r.status_code == 200, r.text
    return {"id": r.json()["id"], "definition": doc, "criteria": r.json()["criteria"]}


async def _attempt(api: Api, trainee: str, scenario: str, lines: list[str], *, share: bool) -> str:
    me = api.auth(trainee)
    r = await api.http.post(
        "/v1/sessions", json={"scenario_id": scenario, "modality": "text"}, headers=me
    )
    assert r.status_code == 201, r.text
    sid: str = r.json()["session_id"]
    for line in lines:
        r = await api.http.post(f"/v1/sessions/{sid}/messages", json={"text": line}, headers=me)
        assert r.status_code == 200, r.text
    assert (await api.http.post(f"/v1/sessions/{sid}/end", headers=me)).status_code == 202
    r = await api.http.get(f"/v1/sessions/{sid}/evaluation", params={"wait": 20}, headers=me)
    assert r.status_code == 200, r.text
    if share:
        assert (await api.http.post(f"/v1/sessions/{sid}/share", headers=me)).status_code == 200
    return sid


def _label(criteria: list[dict[str, Any]], rating: str, passed: bool, score: float) -> Any:
    return {"passed": passed, "score": score, "criteria": {c["id"]: rating for c in criteria}}


async def _audited(api: Api, action: str, object_id: str) -> int:
    async with api.sessionmaker() as db:
        query = select(func.count()).where(
            AuditEvent.action == action, AuditEvent.object_id == object_id
        )
        return int(await db.scalar(query) or 0)


async def test_labels_calibrate_the_played_version_and_a_draft(api: Api) -> None:
    supervisor, trainee = f"s-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    await make_team(api, supervisor, trainee)
    scenario = await _authored_copy(api, supervisor)
    staff = api.auth(supervisor, "supervisor")
    good = await _attempt(api, trainee, scenario["id"], GOOD, share=True)
    poor = await _attempt(api, trainee, scenario["id"], POOR, share=True)
    stored = {
        sid: (await api.http.get(f"/v1/sessions/{sid}/evaluation", headers=staff)).json()
        for sid in (good, poor)
    }

    # nothing labelled yet: nothing to agree with
    r = await api.http.get(f"/v1/scenarios/{scenario['id']}/calibration", headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["figures"]["attempts"] == 0
    assert r.json()["figures"]["pass_agreement"] is None

    labels = {
        good: _label(scenario["criteria"], "met", True, 85.0),
        poor: _label(scenario["criteria"], "not_met", False, 20.0),
    }
    for sid, label in labels.items():
        first = await api.http.put(
            f"/v1/sessions/{sid}/calibration-label", json=label, headers=staff
        )
        again = await api.http.put(
            f"/v1/sessions/{sid}/calibration-label", json=label, headers=staff
        )
        assert (first.status_code, again.status_code) == (200, 200), first.text
        assert first.json() == again.json()  # the same label twice: one label, one audit event
        assert await _audited(api, "calibration.label", sid) == 1
    r = await api.http.get(f"/v1/sessions/{good}/calibration-label", headers=staff)
    assert r.json()["passed"] is True
    assert r.json()["scenario_version"] == 1

    # the played version: the evaluator re-run reproduces each attempt's stored evaluation
    r = await api.http.get(f"/v1/scenarios/{scenario['id']}/calibration", headers=staff)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["version"] == 1
    assert report["figures"]["attempts"] == 2
    by_id = {a["session_id"]: a for a in report["attempts"]}
    for sid in (good, poor):
        assert by_id[sid]["evaluator_score"] == stored[sid]["overall_score"]
        assert by_id[sid]["evaluator_passed"] == stored[sid]["passed"]
        ratings = {c["id"]: c["rating"] for c in stored[sid]["criteria"]}
        assert {c["id"]: c["evaluator"] for c in by_id[sid]["criteria"]} == ratings
    agreeing = sum(by_id[sid]["evaluator_passed"] == labels[sid]["passed"] for sid in by_id)
    assert report["figures"]["pass_agreement"] == agreeing / 2
    # the good attempt is labelled 65 points above the poor one: one clearly separated pair
    assert report["figures"]["ranked_pairs"] == 1
    errors = [abs(by_id[sid]["evaluator_score"] - labels[sid]["score"]) for sid in by_id]
    assert report["figures"]["mae"] == round(sum(errors) / 2, 1)
    assert report["figures"]["criteria_rated"] == 2 * len(scenario["criteria"])
    assert await _audited(api, "scenario.calibrate", scenario["id"]) == 2

    # an edit (a draft, version 2) nobody could pass: calibrated before it is published
    doc = scenario["definition"]
    strict = {**doc, "rubric": {**doc["rubric"], "pass_mark": 100}}
    r = await api.http.put(f"/v1/scenarios/{scenario['id']}", json=strict, headers=staff)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert (draft["version"], draft["status"]) == (2, "draft")
    r = await api.http.get(f"/v1/scenarios/{draft['id']}/calibration", headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert all(not a["evaluator_passed"] for a in r.json()["attempts"])
    assert r.json()["figures"]["pass_agreement"] == 0.5  # agrees on the failing label only
    assert {a["played_version"] for a in r.json()["attempts"]} == {1}


async def test_labelling_refuses_what_it_cannot_use(api: Api) -> None:
    supervisor, trainee, stranger = (f"{p}-{uuid.uuid4()}" for p in ("s", "u", "s"))
    await make_team(api, supervisor, trainee)
    built_in = await scenario_by_slug(api.sessionmaker, BASE)
    staff = api.auth(supervisor, "supervisor")
    criteria = (await api.http.get(f"/v1/scenarios/{built_in.id}", headers=staff)).json()[
        "criteria"
    ]
    label = _label(criteria, "partly", True, 70.0)
    shared = await _attempt(api, trainee, str(built_in.id), GOOD[:2], share=True)
    private = await _attempt(api, trainee, str(built_in.id), GOOD[:2], share=False)

    def put(sid: str, body: Any, who: dict[str, str]) -> Any:
        return api.http.put(f"/v1/sessions/{sid}/calibration-label", json=body, headers=who)

    # a trainee does not label; practice nobody shared, and another team's, is not found
    assert (await put(shared, label, api.auth(trainee))).status_code == 403
    assert (await put(private, label, staff)).status_code == 404
    assert (await put(shared, label, api.auth(stranger, "supervisor"))).status_code == 404
    assert (await put(str(uuid.uuid4()), label, staff)).status_code == 404
    # every criterion rated, only the scenario's, ratings from the scale, a bool for passed
    missing = {**label, "criteria": dict(list(label["criteria"].items())[1:])}
    r = await put(shared, missing, staff)
    assert r.status_code == 422
    assert [p["path"] for p in r.json()["error"]["problems"]] == [f"criteria.{criteria[0]['id']}"]
    unknown = {**label, "criteria": {**label["criteria"], "telepathy": "met"}}
    r = await put(shared, unknown, staff)
    assert r.status_code == 422
    assert [p["path"] for p in r.json()["error"]["problems"]] == ["criteria.telepathy"]
    for bad in (
        {**label, "passed": "yes"},
        {**label, "score": 101},
        {**label, "score": "70"},
        {**label, "criteria": {criteria[0]["id"]: "brilliant"}},
        {**label, "comment": "unknown field"},
    ):
        assert (await put(shared, bad, staff)).status_code == 422, bad
    r = await api.http.get(f"/v1/sessions/{shared}/calibration-label", headers=staff)
    assert r.status_code == 404  # nothing half-saved
    # a trainee does not see calibration figures
    r = await api.http.get(f"/v1/scenarios/{built_in.id}/calibration", headers=api.auth(trainee))
    assert r.status_code == 403
