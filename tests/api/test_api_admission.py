"""No starvation and no 5xx for bad input: rate limits, the active-session cap, long-poll slots
that hold no database connection, and 4xx for tampered cursors, claims and fields."""

from __future__ import annotations

import asyncio
import base64
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from limits import parse
from temporalio.client import Client

from api.admission import Admission, StartLog
from core.db.engine import SessionMaker
from core.db.models import User
from core.errors import RateLimited
from core.settings import load_settings
from tests.api_harness import Api, running_api
from tests.helpers import scenario_by_slug


async def _scenario_id(api: Api) -> str:
    return str((await scenario_by_slug(api.sessionmaker, "anxious-college-student")).id)


async def test_a_burst_of_starts_over_the_rate_gets_429_and_starts_nothing(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate="3/minute",
        max_active_sessions_per_user=10,
    ) as api:
        user, body = f"u-{uuid.uuid4()}", {"scenario_id": await _scenario_id(api)}
        answers = [
            await api.http.post("/v1/sessions", json=body, headers=api.auth(user)) for _ in range(6)
        ]
        assert [r.status_code for r in answers] == [201, 201, 201, 429, 429, 429]
        refused = answers[3]
        assert refused.json()["error"]["type"] == "rate_limited"
        assert refused.json()["error"]["retryable"] is True
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert await api.sessions_of(user) == 3  # no workflow ran for the refused ones
        other = f"u-{uuid.uuid4()}"  # the limit is per user
        assert (
            await api.http.post("/v1/sessions", json=body, headers=api.auth(other))
        ).status_code == 201
        for r in answers[:3]:
            await api.http.post(
                f"/v1/sessions/{r.json()['session_id']}/end", headers=api.auth(user)
            )


async def test_active_sessions_are_capped_per_trainee(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(
        client, sessionmaker, database_url, tmp_path, max_active_sessions_per_user=2
    ) as api:
        user, body = f"u-{uuid.uuid4()}", {"scenario_id": await _scenario_id(api)}
        first, second, third = [
            await api.http.post("/v1/sessions", json=body, headers=api.auth(user)) for _ in range(3)
        ]
        assert (first.status_code, second.status_code, third.status_code) == (201, 201, 409)
        assert third.json()["error"]["type"] == "too_many_active_sessions"
        sid = first.json()["session_id"]
        await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
        r = await api.http.get(f"/v1/sessions/{sid}/evaluation?wait=20", headers=api.auth(user))
        assert r.status_code == 409  # ended without a conversation: the slot is free again
        again = await api.http.post("/v1/sessions", json=body, headers=api.auth(user))
        assert again.status_code == 201
        for r in (second, again):
            await api.http.post(
                f"/v1/sessions/{r.json()['session_id']}/end", headers=api.auth(user)
            )


async def test_many_long_polls_by_one_user_starve_nobody(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    # a pool far smaller than the number of waiting requests: waiting must hold no connection
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        database_pool_size=2,
        max_long_polls_per_user=5,
    ) as api:
        user, other = f"u-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
        created = await api.http.post(
            "/v1/sessions", json={"scenario_id": await _scenario_id(api)}, headers=api.auth(user)
        )
        sid = created.json()["session_id"]
        await api.http.get("/v1/scenarios", headers=api.auth(other))  # provisioned

        async def poll() -> int:
            r = await api.http.get(f"/v1/sessions/{sid}/evaluation?wait=3", headers=api.auth(user))
            if r.status_code == 429:
                assert r.json()["error"]["type"] == "rate_limited"
                assert int(r.headers["Retry-After"]) >= 1
            return r.status_code

        polls = [asyncio.create_task(poll()) for _ in range(60)]
        await asyncio.sleep(0.5)  # let them queue up (the assertions below hold either way)
        listing = await api.http.get("/v1/sessions", headers=api.auth(other))
        ready = await api.http.get("/readyz")
        statuses = await asyncio.gather(*polls)
        assert listing.status_code == 200
        assert ready.status_code == 200
        assert statuses.count(202) == 5  # the waiting ones answer "not yet", never a 500
        assert statuses.count(429) == 55
        await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))


async def test_bad_input_is_4xx_never_5xx(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(client, sessionmaker, database_url, tmp_path) as api:
        user = f"u-{uuid.uuid4()}"
        for raw in (
            f"0001-01-01T00:00:00+14:00|{uuid.uuid4()}",
            f"9999-12-31T23:59:59-14:00|{uuid.uuid4()}",
            f"2026-01-01T00:00:00|{uuid.uuid4()}",  # no time zone
            "garbage",
        ):
            cursor = base64.urlsafe_b64encode(raw.encode()).decode()
            r = await api.http.get(f"/v1/sessions?cursor={cursor}", headers=api.auth(user))
            assert r.status_code == 422, raw
            assert r.json()["error"]["type"] == "invalid_request"

        assert api.settings.jwt_secret is not None
        secret = api.settings.jwt_secret.get_secret_value()
        now = datetime.now(UTC)
        base = {
            "role": "trainee",
            "iss": api.settings.jwt_issuer,
            "aud": api.settings.jwt_audience,
            "iat": now,
            "exp": now + timedelta(minutes=5),
        }
        for claims in (
            {"sub": "u-ok", "email": "e" * 321 + "@x.org"},
            {"sub": "u-ok", "name": "n" * 201},
            {"sub": "u\x00nul"},
            {"sub": "u-ok", "name": "nul\x00name"},
            {"sub": 12345},
        ):
            token = jwt.encode({**base, **claims}, secret, algorithm="HS256")
            r = await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 401, claims
            assert r.json()["error"]["type"] == "unauthorized"

        staff = api.auth(f"s-{uuid.uuid4()}", "admin")
        r = await api.http.post(
            "/v1/assignments",
            json={"scenario_id": await _scenario_id(api), "trainee_id": "t\x00x"},
            headers=staff,
        )
        assert r.status_code == 422
        assert r.json()["error"]["type"] == "invalid_request"

        for method in ("ZZQ123", "FOO", "BAR"):
            await api.http.request(method, "/healthz")
        metrics = (await api.http.get("/metrics")).text
        assert "ZZQ123" not in metrics
        assert "FOO" not in metrics
        assert 'method="other"' in metrics


def test_the_start_window_is_exact_at_its_edges() -> None:
    """Three a minute means three in any 60 s: a window boundary admits no extra start (a sliding
    window counter let a fourth through just after one, which a burst test met by chance)."""
    log = StartLog(parse("3/minute"))
    assert [log.hit("u", t) for t in (0.0, 1.0, 2.0)] == [0.0, 0.0, 0.0]
    assert log.hit("u", 59.5) == pytest.approx(0.5)
    assert log.hit("other", 59.5) == 0.0
    assert log.hit("u", 60.0) == 0.0
    assert log.hit("u", 60.5) == pytest.approx(0.5)
    assert log.hit("u", 62.0) == 0.0


async def test_a_full_global_window_refuses_before_the_token_check_and_any_database_work(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    """A start storm costs each refused trainee nothing but the check: no user row written, no
    session looked up; and requests nobody authenticated never use up the window."""
    async with running_api(
        client,
        sessionmaker,
        database_url,
        tmp_path,
        session_start_rate_global="2/minute",
        max_active_sessions_per_user=10,
    ) as api:
        body = {"scenario_id": await _scenario_id(api)}
        # garbage first: refused as unauthenticated, and the window is still open afterwards
        for _ in range(5):
            r = await api.http.post(
                "/v1/sessions", json=body, headers={"Authorization": "Bearer x"}
            )
            assert r.status_code == 401
        admitted = [f"u-{uuid.uuid4()}" for _ in range(2)]
        for user in admitted:
            r = await api.http.post("/v1/sessions", json=body, headers=api.auth(user))
            assert r.status_code == 201, r.text
            await api.http.post(
                f"/v1/sessions/{r.json()['session_id']}/end", headers=api.auth(user)
            )
        newcomer = f"u-{uuid.uuid4()}"
        refused = await api.http.post(
            "/v1/sessions",
            json=body,
            headers={**api.auth(newcomer), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert refused.status_code == 429
        assert refused.json()["error"]["type"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        async with sessionmaker() as db:
            assert await db.get(User, newcomer) is None  # not even provisioned
        # the same refusal, delivered twice, is still a refusal that wrote nothing
        again = await api.http.post("/v1/sessions", json=body, headers=api.auth(newcomer))
        assert again.status_code == 429
        assert await api.sessions_of(newcomer) == 0


async def test_a_start_refused_for_the_global_rate_leaves_the_trainees_own_allowance(
    sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    """Her start was refused because the service was busy, not because of her: once the
    service has room she may start, though her own rate is one an hour (it was used up by the
    refusal before)."""
    now = [0.0]
    settings = load_settings(
        env="dev",
        state_dir=tmp_path,
        database_url=database_url,
        session_start_rate="1/hour",
        session_start_rate_global="1/minute",
    )
    admission = Admission(settings, clock=lambda: now[0])
    first, second = f"u-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    async with sessionmaker() as db:
        await admission.admit_start(db, first)
        now[0] = 1.0
        with pytest.raises(RateLimited, match="starting too many sessions"):
            await admission.admit_start(db, second)
        with pytest.raises(RateLimited, match="starting too many sessions"):
            await admission.admit_start(db, second)  # delivered twice: still nothing recorded
        now[0] = 61.0
        await admission.admit_start(db, second)
        with pytest.raises(RateLimited, match="you have started too many"):
            await admission.admit_start(db, first)  # her own hour still counts
