"""Header values that are not header text are refused at the edge with 400 naming the header,
never 500, and nothing is started (issue 24: an Idempotency-Key with non-ASCII bytes answered
500)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, select
from temporalio.client import Client

from core.db.engine import SessionMaker
from core.db.models import TrainingSession
from tests.api_harness import running_api
from tests.helpers import scenario_by_slug

BAD_VALUES = (
    "clé-1".encode(),  # UTF-8
    b"caf\xe9",  # latin-1
    b"\xff\xfe\x00",  # not text at all
    b"key\x01ctl",  # a control character
)


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in headers.items()]


async def test_non_ascii_header_bytes_are_400_not_500(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    async with running_api(client, sessionmaker, database_url, tmp_path) as api:
        user = f"u-{uuid.uuid4()}"
        scenario = await scenario_by_slug(sessionmaker, "anxious-college-student")
        for value in BAD_VALUES:
            r = await api.http.post(
                "/v1/sessions",
                json={"scenario_id": str(scenario.id), "modality": "text"},
                headers=[*_raw(api.auth(user)), (b"Idempotency-Key", value)],
            )
            assert r.status_code == 400, value
            error = r.json()["error"]
            assert error["type"] == "invalid_header"
            assert "idempotency-key" in error["message"]
            assert error["retryable"] is False
        r = await api.http.get(
            "/v1/scenarios", headers=[*_raw(api.auth(user)), (b"X-Trace", "ü".encode())]
        )
        assert r.status_code == 400
        async with sessionmaker() as db:
            started = await db.scalar(
                select(func.count())
                .select_from(TrainingSession)
                .where(TrainingSession.user_id == user)
            )
        assert started == 0
        # header text, but not a key: a tab or a space inside it is refused, never a 500
        for key in ("zdO\t+", "two words"):
            r = await api.http.post(
                "/v1/sessions",
                json={"scenario_id": str(scenario.id), "modality": "text"},
                headers={**api.auth(user), "Idempotency-Key": key},
            )
            assert r.status_code == 422, (key, r.text)
            assert "Idempotency-Key" in r.text
        # the same request with a plain key is served
        r = await api.http.post(
            "/v1/sessions",
            json={"scenario_id": str(scenario.id), "modality": "text"},
            headers={**api.auth(user), "Idempotency-Key": "plain-key-1"},
        )
        assert r.status_code == 201, r.text
