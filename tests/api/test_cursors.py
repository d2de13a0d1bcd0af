"""Every list endpoint that pages by cursor (api/pagination.py) refuses one it did not issue
with a 422, and follows one it did."""

from __future__ import annotations

import base64
import uuid

import pytest

from tests.api_harness import Api
from tests.helpers import scenario_by_slug

LISTS = ["/v1/sessions?limit=1", "/v1/reviews?status=pending&limit=1"]
TAMPERED = [
    f"0001-01-01T00:00:00+14:00|{uuid.uuid4()}",  # before the first instant in UTC
    f"9999-12-31T23:59:59-14:00|{uuid.uuid4()}",  # after the last
    f"2026-01-01T00:00:00|{uuid.uuid4()}",  # no time zone
    "2026-01-01T00:00:00+00:00|not-a-uuid",
    "no separator",
]


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize("path", LISTS)
async def test_a_tampered_cursor_is_refused(api: Api, path: str) -> None:
    staff = api.auth(f"u-{uuid.uuid4()}", "supervisor")
    not_utf8 = base64.urlsafe_b64encode(b"\xff\xfe|\xff").decode()
    for cursor in [*(_b64(raw) for raw in TAMPERED), "%%%not-base64", not_utf8]:
        r = await api.http.get(path, params={"cursor": cursor}, headers=staff)
        assert r.status_code == 422, (path, cursor, r.text)
        assert r.json()["error"]["type"] == "invalid_request"


async def test_an_issued_cursor_pages_on(api: Api) -> None:
    scenario = await scenario_by_slug(api.sessionmaker, "anxious-college-student")
    user = f"u-{uuid.uuid4()}"
    started = []
    for _ in range(2):
        r = await api.http.post(
            "/v1/sessions",
            json={"scenario_id": str(scenario.id), "modality": "text"},
            headers=api.auth(user),
        )
        assert r.status_code == 201, r.text
        started.append(r.json()["session_id"])
    page1 = (await api.http.get("/v1/sessions?limit=1", headers=api.auth(user))).json()
    assert page1["next_cursor"]
    r = await api.http.get(
        "/v1/sessions", params={"limit": 1, "cursor": page1["next_cursor"]}, headers=api.auth(user)
    )
    page2 = r.json()
    assert page2["next_cursor"] is None
    assert {page1["items"][0]["session_id"], page2["items"][0]["session_id"]} == set(started)
    for sid in started:
        await api.http.post(f"/v1/sessions/{sid}/end", headers=api.auth(user))
