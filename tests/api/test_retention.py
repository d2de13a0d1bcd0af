"""Retention: an admin sets "purge transcripts after N days", the daily Temporal Schedule runs
RetentionWorkflow, and afterwards no table and no Temporal history holds what was said in a
session that ended longer ago (searched for by a unique marker), while its score and pass/fail
stay; recent and running sessions keep everything; a second run changes nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, text
from temporalio.client import (
    Client,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    ScheduleRange,
    WorkflowHandle,
)

from activities.retention import RetentionActivities
from core.contracts.retention import PurgeExpiredTranscripts, PurgeResult, RetentionRun
from core.db.models import EvaluationRevision, EvaluationRow, TrainingSession
from core.temporal import forget_history
from tests.api_harness import Api
from tests.helpers import eventually, keep_history
from tests.privacy_helpers import (
    history_holds,
    keep_transcripts_forever,
    practise,
    tables_holding,
    until_gone,
)
from worker.schedules import ensure_retention_schedule
from workflows.interface import workflow_id
from workflows.retention import RETENTION_WORKFLOW_TYPE, RetentionWorkflow

ADMIN = "root"


@pytest.fixture
async def keep_forever(api: Api) -> AsyncIterator[None]:
    """The policy is the deployment's one row: each test starts and leaves it at keep-forever."""
    await keep_transcripts_forever(api.sessionmaker)
    yield
    await keep_transcripts_forever(api.sessionmaker)


async def _set_policy(api: Api, days: int | None, admin: str = ADMIN) -> dict[str, Any]:
    r = await api.http.put(
        "/v1/admin/retention", json={"transcript_days": days}, headers=api.auth(admin, "admin")
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _finished(api: Api, user: str, line: str) -> str:
    """A practice session that ended and was evaluated, its workflow closed."""
    sid = await practise(api, user, line)
    r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
    assert r.status_code == 202
    r = await api.http.get(
        f"/v1/sessions/{sid}/evaluation", params={"wait": 20}, headers=api.auth(user)
    )
    assert r.status_code == 200, r.text

    async def completed() -> bool:
        r = await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))
        return bool(r.json()["phase"] == "completed")

    await eventually(completed)
    return sid


async def _ended_days_ago(api: Api, sid: str, days: int) -> None:
    async with api.sessionmaker() as db:
        await db.execute(
            text("UPDATE training_sessions SET ended_at = now() - make_interval(days => :d) "
                 "WHERE id = :id"),
            {"d": days, "id": uuid.UUID(sid)},
        )  # fmt: skip
        await db.commit()


async def _run_fired(
    client: Client, schedule: ScheduleHandle, nth: int
) -> WorkflowHandle[RetentionWorkflow, PurgeResult]:
    """The run the schedule's `nth` action started (counted from 1)."""

    async def fired() -> bool:
        return (await schedule.describe()).info.num_actions >= nth

    await eventually(fired, timeout=30)
    action = (await schedule.describe()).info.recent_actions[-1].action
    assert isinstance(action, ScheduleActionExecutionStartWorkflow)
    return client.get_workflow_handle_for(
        RetentionWorkflow.run, action.workflow_id, run_id=action.first_execution_run_id
    )


def _scores(evaluation: dict[str, Any]) -> dict[str, Any]:
    """What retention keeps of an evaluation."""
    return {
        "overall_score": evaluation["overall_score"],
        "passed": evaluation["passed"],
        "criteria": [(c["id"], c["rating"], c["score"]) for c in evaluation["criteria"]],
        "red_flags": [(f["id"], f["critical"]) for f in evaluation["red_flags"]],
    }


async def test_the_schedule_purges_old_transcripts_and_keeps_their_scores(
    api: Api, client: Client, keep_forever: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Three sessions, each with its own marker: one ended 40 days ago, one just now, one still
    running (given an ended_at 40 days back too, as a session awaiting review has one). With a
    30-day policy the schedule's run purges the first only."""
    caplog.set_level(logging.DEBUG)
    user = f"u-{uuid.uuid4()}"
    old_m, recent_m, active_m = (f"wombat{uuid.uuid4().hex}" for _ in range(3))
    old = await _finished(
        api, user, f"I keep thinking about {old_m} and it scares me, it is making my exams so hard."
    )
    recent = await _finished(api, user, f"My roommate {recent_m} keeps me up before exams.")
    active = await practise(api, user, f"I failed my {active_m} test and I panic about it.")
    await _ended_days_ago(api, old, 40)
    await _ended_days_ago(api, active, 40)
    assert {
        "transcript_turns.text",
        "evaluations.evaluation",
        "evaluation_revisions.evaluation",
    } <= (set(await tables_holding(api, old_m)))
    assert await history_holds(client, old, old_m)
    admin = api.auth(ADMIN, "admin")
    before = (await api.http.get(f"/v1/sessions/{old}/evaluation", headers=admin)).json()
    assert before["transcript_purged"] is False

    await _set_policy(api, 30)
    schedule = await ensure_retention_schedule(
        client, api.settings.task_queue, schedule_id=f"retention-test-{uuid.uuid4()}"
    )
    try:
        await schedule.trigger()
        run = await _run_fired(client, schedule, 1)
        result = await run.result()
        await keep_history(run, "retention_purge")
    finally:
        await schedule.delete()
    assert result.transcript_days == 30
    assert result.sessions >= 1

    assert await tables_holding(api, old_m) == []
    await until_gone(client, old)
    for sid, marker in ((recent, recent_m), (active, active_m)):
        assert "transcript_turns.text" in await tables_holding(api, marker)
        assert await history_holds(client, sid, marker)
        r = await api.http.get(f"/v1/sessions/{sid}/transcript", headers=admin)
        assert r.json()["transcript_purged"] is False
        assert r.json()["turns"]
    # the purged session still answers everywhere, says why its text is gone, keeps its scores
    session = (await api.http.get(f"/v1/sessions/{old}", headers=api.auth(user))).json()
    assert (session["status"], session["transcript_purged"]) == ("completed", True)
    assert session["evaluation_status"] == "ready"
    r = await api.http.get(f"/v1/sessions/{old}/transcript", headers=api.auth(user))
    assert r.status_code == 200
    assert r.json()["turns"] == []
    assert r.json()["transcript_purged"]
    r = await api.http.get(f"/v1/sessions/{old}/evaluation", headers=api.auth(user))
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["transcript_purged"] is True
    assert _scores(after) == _scores(before)
    assert all(c["evidence"] == [] and c["feedback"] == "" for c in after["criteria"])
    r = await api.http.get(f"/v1/sessions/{old}/evaluation/revisions", headers=api.auth(user))
    assert r.status_code == 200, r.text
    assert [rev["evaluation"]["transcript_purged"] for rev in r.json()["items"]] == [True]
    r = await api.http.get("/v1/me/export", headers=api.auth(user))
    assert r.status_code == 200
    assert old_m not in r.text
    assert recent_m in r.text
    # nothing left to calibrate on: a purged attempt takes no label
    criteria = {c["id"]: "met" for c in after["criteria"]}
    r = await api.http.put(
        f"/v1/sessions/{old}/calibration-label",
        json={"passed": True, "criteria": criteria},
        headers=admin,
    )
    assert r.status_code == 409, r.text
    r = await api.http.put(
        f"/v1/sessions/{recent}/calibration-label",
        json={"passed": True, "criteria": criteria},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    leaked = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert [m for m in leaked if old_m in m] == []


async def test_a_second_purge_changes_nothing(api: Api, client: Client, keep_forever: None) -> None:
    """Delivered twice (the workflow run again, the activity called again): the second finds
    nothing due and every row stays as the first left it. The first also finds the session's
    history already deleted (a crash after the deletion, before the commit) and does not fail."""
    user = f"u-{uuid.uuid4()}"
    marker = f"numbat{uuid.uuid4().hex}"
    sid = await _finished(
        api,
        user,
        f"I keep thinking about {marker} and it scares me, it is making my exams so hard.",
    )
    await _ended_days_ago(api, sid, 3)
    await forget_history(client, workflow_id(uuid.UUID(sid)))
    await _set_policy(api, 2)

    async def purge() -> PurgeResult:
        return await client.execute_workflow(
            RetentionWorkflow.run,
            RetentionRun(batch_size=1),
            id=f"retention-test-{uuid.uuid4()}",
            task_queue=api.settings.task_queue,
        )

    async def stored() -> tuple[Any, ...]:
        async with api.sessionmaker() as db:
            session = await db.get(TrainingSession, uuid.UUID(sid))
            assert session is not None
            current = await db.scalar(
                select(EvaluationRow.evaluation).where(EvaluationRow.session_id == session.id)
            )
            revisions = list(
                await db.scalars(
                    select(EvaluationRevision.evaluation)
                    .where(EvaluationRevision.session_id == session.id)
                    .order_by(EvaluationRevision.revision)
                )
            )
            return session.transcripts_purged_at, session.updated_at, current, revisions

    first = await purge()
    assert first.sessions >= 1
    assert first.batches == first.sessions
    assert await tables_holding(api, marker) == []
    purged = await stored()
    assert purged[0] is not None

    again = await purge()
    redelivered = await RetentionActivities(api.sessionmaker, client).purge_expired_transcripts(
        PurgeExpiredTranscripts()
    )
    for nothing in (again, redelivered):
        assert (nothing.transcript_days, nothing.sessions, nothing.turns) == (2, 0, 0)
    assert await stored() == purged
    await until_gone(client, sid)


async def test_keep_forever_purges_nothing(api: Api, client: Client, keep_forever: None) -> None:
    result = await RetentionActivities(api.sessionmaker, client).purge_expired_transcripts(
        PurgeExpiredTranscripts()
    )
    assert result == PurgeResult(transcript_days=None)


async def test_the_schedule_is_daily_skips_overlaps_and_is_created_idempotently(
    api: Api, client: Client
) -> None:
    schedule_id = f"retention-test-{uuid.uuid4()}"
    schedule = await ensure_retention_schedule(client, "first-queue", schedule_id=schedule_id)
    try:
        await schedule.pause(note="paused by an operator")
        # a worker starting again (a deployment with a new task queue): updated, not duplicated,
        # and the operator's pause stands
        again = await ensure_retention_schedule(client, "tq-now", schedule_id=schedule_id)
        assert again.id == schedule_id
        described = await again.describe()
        spec = described.schedule.spec
        assert [(tuple(c.hour), tuple(c.minute)) for c in spec.calendars] == [
            ((ScheduleRange(3),), (ScheduleRange(17),))
        ]
        assert described.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
        action = described.schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert (action.workflow, action.task_queue) == (RETENTION_WORKFLOW_TYPE, "tq-now")
        assert described.schedule.state.paused
    finally:
        await schedule.delete()


async def test_only_admins_read_or_set_the_policy(api: Api, keep_forever: None) -> None:
    for role in ("trainee", "supervisor"):
        who = api.auth(f"{role}-{uuid.uuid4()}", role)
        assert (await api.http.get("/v1/admin/retention", headers=who)).status_code == 403
        r = await api.http.put("/v1/admin/retention", json={"transcript_days": 1}, headers=who)
        assert r.status_code == 403
        assert r.json()["error"]["type"] == "forbidden"
    assert (await api.http.get("/v1/admin/retention")).status_code == 401
    r = await api.http.get("/v1/admin/retention", headers=api.auth(ADMIN, "admin"))
    assert r.status_code == 200
    assert r.json()["transcript_days"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"transcript_days": -1}, "transcript_days"),
        ({"transcript_days": 0}, "transcript_days"),
        ({"transcript_days": "30"}, "transcript_days"),
        ({"transcript_days": 30.0}, "transcript_days"),
        ({"transcript_days": True}, "transcript_days"),
        ({}, "transcript_days"),
        ({"transcript_days": 30, "keep_scores": True}, "keep_scores"),
    ],
)
async def test_bad_policies_are_refused_naming_the_field(
    api: Api, keep_forever: None, body: dict[str, Any], field: str
) -> None:
    admin = api.auth(ADMIN, "admin")
    r = await api.http.put("/v1/admin/retention", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert [p["path"] for p in r.json()["error"]["problems"]] == [field]
    r = await api.http.get("/v1/admin/retention", headers=admin)
    assert r.json()["transcript_days"] is None


async def test_each_change_of_the_policy_is_audited_once(api: Api, keep_forever: None) -> None:
    admin = f"admin-{uuid.uuid4()}"
    first = await _set_policy(api, 30, admin)
    assert await _set_policy(api, 30, admin) == first  # the same policy again: no change
    assert (first["transcript_days"], first["set_by"]) == (30, admin)
    await _set_policy(api, None, admin)
    r = await api.http.get("/v1/audit", headers=api.auth(ADMIN, "admin"))
    mine = [e for e in r.json()["items"] if e["actor_id"] == admin]
    assert [(e["action"], e["object_id"]) for e in mine] == [
        ("retention.set", "transcript_days=forever"),
        ("retention.set", "transcript_days=30"),
    ]
    assert {e["actor_role"] for e in mine} == {"admin"}
