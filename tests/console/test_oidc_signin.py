"""Signing in outside dev, end to end: the console in headless Chromium against a real OpenID
provider process (tests/oidc: the npm package oidc-provider) and the real API, which verifies the
provider's RS256 access tokens through its JWKS. Login through the provider's own form, roles
from claims, silent renewal after expiry, logout at the provider, wrong audience or issuer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from playwright.async_api import Browser, Page, expect
from temporalio.testing import WorkflowEnvironment

from core.db.engine import SessionMaker
from tests.browser.oidc import (
    AUDIENCE,
    CLIENT_ID,
    OTHER_AUDIENCE,
    Provider,
    refresh,
    running_provider,
    sign_in,
    signing_keys,
)
from tests.browser.stack import Stack, served_stack
from voicetrain.devstack.processes import free_port


class SignIn:
    """The stack as a company deploys it: no dev sign-in, the IdP's tokens only."""

    def __init__(self, stack: Stack, provider: Provider, keys: Path) -> None:
        self.stack, self.provider, self.keys = stack, provider, keys


@pytest.fixture(scope="module")
async def idp(
    temporal_env: WorkflowEnvironment,
    sessionmaker: SessionMaker,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[SignIn]:
    state = tmp_path_factory.mktemp("oidc-state")
    keys = signing_keys(state / "keys.json")
    issuer = f"http://127.0.0.1:{free_port()}"
    port = int(issuer.rsplit(":", 1)[1])
    async with served_stack(
        temporal_env.client, sessionmaker, database_url, state,
        env="test", oidc_issuer=issuer, oidc_client_id=CLIENT_ID,
        jwt_jwks_url=f"{issuer}/jwks", jwt_issuer=issuer, jwt_audience=AUDIENCE,
        jwt_leeway_seconds=0,  # an expired token is refused at once, so renewal is seen
    ) as stack:  # fmt: skip
        async with running_provider(f"{stack.url}/", keys, port=port) as provider:
            yield SignIn(stack, provider, keys)


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh context (its own sessionStorage) on the package's Chromium (conftest.py)."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    p = await context.new_page()
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    await context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


async def _log_in(page: Page, idp: SignIn, login: str) -> None:
    """From the console's sign-in page through the provider's own login form and back."""
    await page.goto(f"{idp.stack.url}/")
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{idp.provider.issuer}/**")
    await page.get_by_placeholder("Enter any login").fill(login)
    await page.get_by_placeholder("and password").fill("any password")
    await page.get_by_role("button", name="Sign-in").click()


async def _stored(page: Page, key: str) -> Any:
    return await page.evaluate("(key) => sessionStorage.getItem(key)", key)


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def _api_status(idp: SignIn, token: str) -> httpx.Response:
    return await idp.stack.http.get("/v1/scenarios", headers={"Authorization": f"Bearer {token}"})


async def test_a_trainee_signs_in_at_the_provider_and_sees_the_library(
    idp: SignIn, page: Page
) -> None:
    config = (await idp.stack.http.get("/v1/console-config")).json()
    assert config["dev_sign_in"] is False
    assert config["oidc"] == {"issuer": idp.provider.issuer, "client_id": CLIENT_ID, "scopes": "openid profile email", "role_claim": "role"}  # fmt: skip
    await _log_in(page, idp, "tess.trainee")
    await expect(page.get_by_role("heading", level=1, name="Scenario library")).to_be_visible()
    await expect(page.locator("#who")).to_contain_text("Tess Trainee · trainee")
    await expect(page.locator(".card").first).to_be_visible()  # the library's scenarios
    assert page.url.startswith(idp.stack.url)
    assert "code=" not in page.url
    assert "state=" not in page.url
    token = await _stored(page, "voicetrain.token")
    claims = _claims(token)
    assert (claims["iss"], claims["aud"], claims["role"]) == (
        idp.provider.issuer,
        AUDIENCE,
        "trainee",
    )
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert await _stored(page, "voicetrain.refresh")
    assert await page.evaluate("localStorage.length") == 0  # nothing outlives the tab
    assert await _stored(page, "voicetrain.oidc") is None  # the PKCE verifier is gone
    r = await _api_status(idp, token)
    assert r.status_code == 200, r.text


async def test_a_supervisors_role_from_claims_shows_the_supervisor_view(
    idp: SignIn, page: Page
) -> None:
    await _log_in(page, idp, "sam.supervisor")
    await expect(page.get_by_role("heading", level=1, name="Assign a scenario")).to_be_visible()
    await expect(page.locator("#who")).to_contain_text("Sam Supervisor · supervisor")
    await expect(page.get_by_role("link", name="Reviews")).to_be_visible()


async def test_an_account_without_a_voicetrain_role_is_refused(idp: SignIn, page: Page) -> None:
    await _log_in(page, idp, "gus.guest")
    await expect(page.get_by_role("alert")).to_contain_text("no voicetrain role")
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert await _stored(page, "voicetrain.token") is None
    assert await _stored(page, "voicetrain.refresh") is None
    tokens = await sign_in(idp.provider, "gus.guest")  # the API refuses it as well
    r = await _api_status(idp, tokens["access_token"])
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "unauthorized"


async def test_an_expired_access_token_is_renewed_without_the_user_noticing(
    idp: SignIn, page: Page
) -> None:
    await _log_in(page, idp, "tess.trainee")
    await expect(page.get_by_role("heading", level=1, name="Scenario library")).to_be_visible()
    first = await _stored(page, "voicetrain.token")
    first_refresh = await _stored(page, "voicetrain.refresh")
    await asyncio.sleep(max(0.0, _claims(first)["exp"] - time.time() + 1))
    assert (await _api_status(idp, first)).status_code == 401  # expired: the API refuses it

    async with page.expect_response(lambda r: r.url.startswith(f"{idp.stack.url}/v1/")) as call:
        await page.get_by_role("link", name="My sessions").click()
    response = await call.value
    assert response.status == 200
    sent = (await response.request.all_headers())["authorization"].removeprefix("Bearer ")
    await expect(page.get_by_role("heading", level=1, name="My sessions")).to_be_visible()
    renewed = await _stored(page, "voicetrain.token")
    assert sent == renewed != first
    assert _claims(renewed)["exp"] > time.time()
    assert await _stored(page, "voicetrain.refresh") != first_refresh  # rotated
    assert page.url.startswith(idp.stack.url)  # never sent back to the provider
    assert (await _api_status(idp, renewed)).status_code == 200


async def test_logout_ends_the_sign_in_at_the_provider(idp: SignIn, page: Page) -> None:
    await _log_in(page, idp, "tess.trainee")
    await expect(page.get_by_role("heading", level=1, name="Scenario library")).to_be_visible()
    refresh_token = await _stored(page, "voicetrain.refresh")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(f"{idp.provider.issuer}/**")  # RP-initiated logout
    await page.get_by_role("button", name="Yes, sign me out").click()
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert page.url.startswith(idp.stack.url)
    for key in ("voicetrain.token", "voicetrain.refresh", "voicetrain.provider"):
        assert await _stored(page, key) is None, key
    r = await refresh(idp.provider, refresh_token)  # revoked: nothing can renew that sign-in
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_grant"

    await page.goto(f"{idp.stack.url}/#/library")  # still signed out, also after a reload
    await expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    await page.get_by_role("button", name="Sign in").click()  # the provider's session is over
    await expect(page.get_by_placeholder("Enter any login")).to_be_visible()


async def test_tokens_for_another_audience_or_issuer_are_refused(idp: SignIn) -> None:
    good = await sign_in(idp.provider, "tess.trainee")
    assert (await _api_status(idp, good["access_token"])).status_code == 200

    other_api = await sign_in(idp.provider, "tess.trainee", resource=OTHER_AUDIENCE)
    assert _claims(other_api["access_token"])["aud"] == OTHER_AUDIENCE
    # a second provider signing with the very same key: only its issuer differs
    async with running_provider(idp.provider.redirect_uri, idp.keys) as other_idp:
        foreign = await sign_in(other_idp, "tess.trainee")
    assert _claims(foreign["access_token"])["aud"] == AUDIENCE
    assert (
        jwt.get_unverified_header(foreign["access_token"])["kid"]
        == (jwt.get_unverified_header(good["access_token"])["kid"])
    )
    for token in (other_api["access_token"], foreign["access_token"]):
        r = await _api_status(idp, token)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["type"] == "unauthorized"
