"""Text practice through REST on real Temporal + Postgres: the workflow holds the chat
(send_message), the persona replies from an activity, turns go the voice turns' way."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from core.contracts.base import Speaker
from core.contracts.conversation import EndConversation
from core.contracts.workflow import SessionLimits, SessionOutcome, TraineeMessage
from core.db.engine import SessionMaker
from core.scenarios.library import load_library
from core.scenarios.prompt import persona_prompt as build_prompt
from core.settings import load_settings
from persona.client import reply as client_reply
from tests.api_harness import Api, running_api
from tests.fake_llm_server import Behaviour, fake_llm
from tests.helpers import begin, db_turns, eventually, keep_history, scenario_by_slug
from tests.worker_faults import (
    as_async,
    pending_started,
    retried_after_heartbeat_timeout,
    worker_process,
)
from worker.main import build_worker, persona_llm_from
from workflows import interface
from workflows.interface import workflow_id
from workflows.session import TrainingSessionWorkflow

SLUG = "anxious-college-student"
LIBRARY = {s.slug: s for s in load_library()}


async def _start_text(api: Api, user: str, slug: str = SLUG, **body: object) -> dict[str, object]:
    scenario = await scenario_by_slug(api.sessionmaker, slug)
    r = await api.http.post(
        "/v1/sessions", json={"scenario_id": str(scenario.id), **body}, headers=api.auth(user)
    )
    assert r.status_code == 201, r.text
    data: dict[str, object] = r.json()
    return data


async def _outcome(client: Client, sid: object) -> SessionOutcome:
    handle = client.get_workflow_handle(
        workflow_id(uuid.UUID(str(sid))), result_type=SessionOutcome
    )
    return await asyncio.wait_for(handle.result(), timeout=60)


async def test_a_whole_text_session_through_rest(api: Api, client: Client) -> None:
    user = f"u-{uuid.uuid4()}"
    scenario = LIBRARY[SLUG]
    created = await _start_text(api, user)  # no LiveKit configured: text by default
    assert created["modality"] == "text"
    assert created["livekit"] is None
    assert created["opening_line"] == scenario.persona.opening_line
    sid = created["session_id"]
    view = (await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))).json()
    assert view["phase"] == "in_conversation"  # no waiting_for_agent in a text session
    assert view["modality"] == "text"

    lines = scenario.demo.trainee_lines[:5]
    conversation: list[tuple[Speaker, str]] = [("client", scenario.persona.opening_line)]
    for n, line in enumerate(lines):
        r = await api.http.post(
            f"/v1/sessions/{sid}/messages", json={"text": line}, headers=api.auth(user)
        )
        assert r.status_code == 200, r.text
        reply = r.json()
        assert reply["trainee_turn"]["seq"] == 1 + 2 * n
        assert reply["trainee_turn"]["text"] == line
        assert reply["client_turn"]["speaker"] == "client"
        assert reply["client_turn"]["seq"] == 2 + 2 * n
        # the one persona engine: the same replies the offline client gives the voice agent
        conversation.append(("trainee", line))
        expected = client_reply(scenario.persona, conversation).text
        assert reply["client_turn"]["text"] == expected
        conversation.append(("client", expected))
        # the transcript shows the conversation live: both turns are stored when the reply returns
        transcript = (
            await api.http.get(f"/v1/sessions/{sid}/transcript", headers=api.auth(user))
        ).json()
        assert [t["seq"] for t in transcript["turns"]] == list(range(3 + 2 * n))

    r = await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
    assert r.status_code == 202
    outcome = await _outcome(client, sid)
    assert outcome.phase == "completed"
    assert outcome.end_reason == "trainee_ended"
    assert outcome.turn_count == 1 + 2 * len(lines)
    evaluation = await api.http.get(
        f"/v1/sessions/{sid}/evaluation", params={"wait": 20}, headers=api.auth(user)
    )
    assert evaluation.status_code == 200, evaluation.text
    stored = await db_turns(api.sessionmaker, uuid.UUID(str(sid)))
    assert (stored[0].seq, stored[0].speaker) == (0, "client")
    assert [t.text for t in stored if t.speaker == "trainee"] == lines

    after = await api.http.post(
        f"/v1/sessions/{sid}/messages",
        json={"text": "Are you still there?"},
        headers=api.auth(user),
    )
    assert after.status_code == 409
    assert after.json()["error"]["type"] == "session_ended"


async def test_bad_messages_and_other_peoples_sessions(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = (await _start_text(api, user))["session_id"]
    url = f"/v1/sessions/{sid}/messages"
    for body in ({"text": ""}, {"text": "   "}, {"text": "x" * 2001}, {"text": "a\x00b"}, {}):
        r = await api.http.post(url, json=body, headers=api.auth(user))
        assert r.status_code == 422, body
        assert r.json()["error"]["type"] == "invalid_request"
    intruder = await api.http.post(
        url, json={"text": "Hello?"}, headers=api.auth(f"u-{uuid.uuid4()}")
    )
    assert intruder.status_code == 404
    assert intruder.json()["error"]["type"] == "not_found"
    await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


async def test_a_voice_session_takes_no_messages(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    created = await _start_text(api, user, modality="voice")
    assert (created["modality"], created["opening_line"]) == ("voice", None)
    r = await api.http.post(
        f"/v1/sessions/{created['session_id']}/messages",
        json={"text": "Hi"},
        headers=api.auth(user),
    )
    assert r.status_code == 409
    assert r.json()["error"]["type"] == "not_a_text_session"
    await api.http.post(f"/v1/sessions/{created['session_id']}/end", headers=api.auth(user))


async def test_the_same_idempotency_key_twice_records_one_trainee_turn(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = (await _start_text(api, user))["session_id"]
    url = f"/v1/sessions/{sid}/messages"
    headers = {**api.auth(user), "Idempotency-Key": "msg-1"}
    body = {"text": "Hi Maya, welcome, and thanks for coming in."}
    # concurrently (the second attaches to the update in flight) and after it completed
    first, second = await asyncio.gather(
        api.http.post(url, json=body, headers=headers),
        api.http.post(url, json=body, headers=headers),
    )
    third = await api.http.post(url, json=body, headers=headers)
    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert first.json() == second.json() == third.json()
    stored = await db_turns(api.sessionmaker, uuid.UUID(str(sid)))
    assert [(t.seq, t.speaker) for t in stored] == [(0, "client"), (1, "trainee"), (2, "client")]
    await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


async def test_concurrent_messages_one_reply_and_one_reply_in_progress(api: Api) -> None:
    user = f"u-{uuid.uuid4()}"
    sid = (await _start_text(api, user))["session_id"]
    url = f"/v1/sessions/{sid}/messages"
    responses = await asyncio.gather(
        api.http.post(url, json={"text": "Hi Maya, welcome."}, headers=api.auth(user)),
        api.http.post(url, json={"text": "What brings you here?"}, headers=api.auth(user)),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    refused = next(r for r in responses if r.status_code == 409).json()["error"]
    assert (refused["type"], refused["retryable"]) == ("reply_in_progress", True)
    stored = await db_turns(api.sessionmaker, uuid.UUID(str(sid)))
    assert len(stored) == 3
    await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


async def test_max_turns_ends_a_text_session(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(client, sessionmaker, database_url, tmp_path, max_turns=6) as api:
        user = f"u-{uuid.uuid4()}"
        sid = (await _start_text(api, user))["session_id"]
        lines = LIBRARY[SLUG].demo.trainee_lines
        codes = []
        for line in lines[:3]:
            r = await api.http.post(
                f"/v1/sessions/{sid}/messages", json={"text": line}, headers=api.auth(user)
            )
            codes.append(r.status_code)
        outcome = await _outcome(client, sid)
    # turns 0..4: two exchanges fit in six turns, a third would not
    assert codes[:2] == [200, 200]
    assert codes[2] == 409
    assert outcome.end_reason == "max_turns"
    assert outcome.turn_count == 5
    assert outcome.phase == "completed"


async def test_idle_text_session_ends_with_idle_timeout(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client, sessionmaker, database_url, tmp_path, text_idle_timeout_seconds=2
    ) as api:
        user = f"u-{uuid.uuid4()}"
        sid = (await _start_text(api, user))["session_id"]
        for line in LIBRARY[SLUG].demo.trainee_lines[:2]:
            r = await api.http.post(
                f"/v1/sessions/{sid}/messages", json={"text": line}, headers=api.auth(user)
            )
            assert r.status_code == 200
        outcome = await _outcome(client, sid)
        view = (await api.http.get(f"/v1/sessions/{sid}", headers=api.auth(user))).json()
    assert outcome.end_reason == "idle_timeout"
    assert outcome.phase == "completed"  # two trainee turns: enough to evaluate
    assert view["end_reason"] == "idle_timeout"


# --- max duration on the time-skipping server ----------------------------------------------


async def test_text_session_time_limit_on_the_time_skipping_server(
    time_env: WorkflowEnvironment, sessionmaker: SessionMaker, task_queue: str
) -> None:
    ts = time_env.client
    limits = SessionLimits(max_duration_seconds=1800, text_idle_timeout_seconds=3600)
    async with build_worker(ts, load_settings(env="dev"), sessionmaker, task_queue=task_queue):
        handle, ready = await begin(
            sessionmaker, ts, task_queue, SLUG, with_start=False, modality="text", limits=limits
        )
        assert ready.opening_line == LIBRARY[SLUG].persona.opening_line
        for line in LIBRARY[SLUG].demo.trainee_lines[:3]:
            reply = await interface.SEND_MESSAGE.execute(handle, TraineeMessage(text=line))
            assert reply.client_turn.seq == reply.trainee_turn.seq + 1
        outcome = await handle.result()  # the server skips the 30 minutes
        status = await handle.query(TrainingSessionWorkflow.status)
    assert (outcome.phase, outcome.end_reason, outcome.turn_count) == ("completed", "time_limit", 7)
    assert status.persisted_turn_count == 7
    await keep_history(handle, "text_session_time_limit")


# --- the worker dies while the persona is replying ------------------------------------------


async def test_worker_killed_mid_reply_the_reply_still_arrives_once(
    sessionmaker: SessionMaker, client: Client, task_queue: str, database_url: str, tmp_path: Path
) -> None:
    async with fake_llm() as llm:
        # the first persona call hangs (the worker dies while waiting); the retry is answered
        llm.behaviours.append(Behaviour(content="(never delivered)", delay=120))
        llm.behaviours.append(Behaviour(content="Honestly? I haven't slept properly in weeks."))
        env = {"VOICETRAIN_LLM_BASE_URL": llm.url, "VOICETRAIN_LLM_MODEL": "persona-1"}
        with worker_process(client, database_url, task_queue, tmp_path, **env) as proc:
            handle, ready = await begin(sessionmaker, client, task_queue, SLUG, modality="text")
            replying = asyncio.create_task(
                interface.SEND_MESSAGE.execute(
                    handle,
                    TraineeMessage(text="How have you been sleeping?"),
                    update_id="message-kill-test",
                )
            )
            await eventually(lambda: pending_started(handle, "client_reply"), timeout=60)
            await eventually(as_async(lambda: len(llm.requests) >= 1), timeout=60)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        settings = load_settings(env="dev", llm_base_url=llm.url, llm_model="persona-1")
        async with build_worker(
            client,
            settings,
            sessionmaker,
            task_queue=task_queue,
            persona_llm=persona_llm_from(settings),
        ):
            reply = await asyncio.wait_for(replying, timeout=90)
            # the same message again (a client retry with the same key): the recorded reply
            again = await interface.SEND_MESSAGE.execute(
                handle,
                TraineeMessage(text="How have you been sleeping?"),
                update_id="message-kill-test",
            )
            await handle.signal(
                TrainingSessionWorkflow.end_conversation, EndConversation(reason="trainee_ended")
            )
            await asyncio.wait_for(handle.result(), timeout=60)
        # the LLM persona got the scenario's prompt and the conversation so far
        messages = llm.requests[-1]["messages"]
    assert reply == again
    assert reply.client_turn.text == "Honestly? I haven't slept properly in weeks."
    stored = await db_turns(sessionmaker, ready.session_id)
    assert [(t.seq, t.speaker) for t in stored] == [(0, "client"), (1, "trainee"), (2, "client")]
    assert stored[2].text == reply.client_turn.text
    assert len(llm.requests) == 2
    assert messages[0]["role"] == "system"
    assert messages[0]["content"].startswith(build_prompt(LIBRARY[SLUG].persona).strip()[:40])
    assert [m["role"] for m in messages[1:]] == ["assistant", "user"]
    assert await retried_after_heartbeat_timeout(handle, "client_reply")
