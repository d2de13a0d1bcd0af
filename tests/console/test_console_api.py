"""The console's server side: its public config, the dev-only token endpoint (present in dev,
404 outside), and the static mount that leaves every API path to the API."""

from __future__ import annotations

import httpx

from api.app import create_app
from core.settings import load_settings
from tests.api_harness import Api

STRONG = "s3cr3t-" + "abcdefghijklmnopqrstuvwxyz0123456789"


async def test_dev_sign_in_mints_a_token_the_api_accepts(api: Api) -> None:
    config = (await api.http.get("/v1/console-config")).json()
    assert config == {"env": "dev", "dev_sign_in": True, "oidc": None, "livekit": False}
    minted = await api.http.post("/v1/dev/token", json={"user_id": "dev-sup", "role": "supervisor"})
    assert minted.status_code == 200, minted.text
    token = minted.json()["access_token"]
    assert minted.json()["token_type"] == "bearer"
    scenarios = await api.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {token}"})
    assert scenarios.status_code == 200
    bad = await api.http.post("/v1/dev/token", json={"user_id": "x", "role": "root"})
    assert bad.status_code == 422
    assert bad.json()["error"]["type"] == "invalid_request"


async def test_outside_dev_there_is_no_dev_token_and_oidc_is_announced() -> None:
    settings = load_settings(
        env="production",
        database_url="postgresql+asyncpg://u@127.0.0.1:1/x",
        temporal_address="127.0.0.1:1",
        jwt_secret=STRONG,
        internal_service_key=STRONG + "-k",
        oidc_issuer="https://id.example.org/realms/care",
        oidc_client_id="voicetrain-console",
    )
    app = create_app(settings)  # no lifespan: these paths need neither the database nor Temporal
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        minted = await http.post("/v1/dev/token", json={"user_id": "anyone", "role": "admin"})
        assert minted.status_code == 404
        assert minted.json()["error"]["type"] == "not_found"
        config = (await http.get("/v1/console-config")).json()
        assert config["dev_sign_in"] is False
        assert config["oidc"] == {
            "issuer": "https://id.example.org/realms/care",
            "client_id": "voicetrain-console",
            "scopes": "openid profile email",
            "role_claim": "role",
        }
        assert "/v1/dev/token" not in (await http.get("/openapi.json")).json()["paths"]


async def test_the_console_is_served_at_the_root_and_api_paths_stay_the_apis(api: Api) -> None:
    page = await api.http.get("/")
    assert page.status_code == 200
    assert '<script type="module" src="/js/main.js">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert (await api.http.get("/js/api.js")).headers["content-type"].startswith("text/javascript")
    assert (await api.http.get("/vendor/livekit-client.umd.js")).status_code == 200
    for path in ("/healthz", "/docs", "/openapi.json", "/metrics"):
        assert (await api.http.get(path)).status_code == 200, path
    for path in ("/v1/no-such-thing", "/internal/v1/nothing"):
        missing = await api.http.get(path)
        assert missing.status_code == 404
        assert missing.json()["error"]["type"] == "not_found"
    # the endpoints the console uses are the API's: a request without a token is the contract's 401
    for method, path in (
        ("POST", "/v1/sessions/00000000-0000-0000-0000-000000000000/messages"),
        ("POST", "/v1/sessions/00000000-0000-0000-0000-000000000000/review"),
        ("POST", "/v1/sessions/00000000-0000-0000-0000-000000000000/share"),
        ("GET", "/v1/sessions/00000000-0000-0000-0000-000000000000/evaluation/revisions"),
        ("GET", "/v1/reviews"),
        ("GET", "/v1/evaluation-agreement"),
        ("GET", "/v1/trainees/someone/progress"),
        ("GET", "/v1/teams"),
        ("PUT", "/v1/teams/00000000-0000-0000-0000-000000000000/members/someone"),
    ):
        answer = await api.http.request(method, path)
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.json()["error"]["type"] == "unauthorized", (method, path)
