"""Pages and small steps for the console's browser tests (not fixtures): signed-in browser
contexts, screenshots, and the chat a trainee has with the client."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.browser.stack import SCREENSHOTS, Stack

SCENARIO = "First session: an anxious first-year student"  # anxious-college-student
PHONE: ViewportSize = {"width": 375, "height": 812}


class Pages:
    """New browser contexts (a fresh sessionStorage each: one signed-in user per context)."""

    def __init__(self, browser: Browser, stack: Stack, tmp_path: Path) -> None:
        self.browser, self.stack, self.tmp_path = browser, stack, tmp_path
        self.errors: list[str] = []
        self._contexts: list[Any] = []

    async def open(self, viewport: ViewportSize | None = None) -> Page:
        context = await self.browser.new_context(
            viewport=viewport or {"width": 1200, "height": 900}
        )
        self._contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page

    async def signed_in(self, user: str, role: str = "trainee", **kw: Any) -> Page:
        page = await self.open(**kw)
        await page.goto(f"{self.stack.url}/#/signin")
        await page.get_by_label("User id").fill(user)
        await page.get_by_label("Role").select_option(role)
        await page.get_by_role("button", name="Sign in").click()
        home = "Scenario library" if role == "trainee" else "Assign a scenario"
        await expect(page.get_by_role("heading", level=1, name=home)).to_be_visible()
        return page

    async def shot(
        self, page: Page, name: str, *, keep: bool = False, full_page: bool = True
    ) -> None:
        path = self.tmp_path / f"{name}.png"
        await page.screenshot(path=str(path), full_page=full_page)
        if keep and os.environ.get("VOICETRAIN_UPDATE_SCREENSHOTS"):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, SCREENSHOTS / path.name)

    async def close(self) -> None:
        for context in self._contexts:
            await context.close()


def unique_user(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def session_id_of(page: Page) -> str:
    return page.url.split("#/sessions/")[1].split("/")[0]


# What the trainee writes: an open question, advice without permission, a reflection.
LINES = [
    "What's been going on that made you decide to come in today?",
    "You should just relax more and stop worrying so much about exams.",
    "It sounds like that exam was frightening, and you're exhausted from carrying it.",
]


async def chat(page: Page, lines: list[str]) -> None:
    """Write each line in the chat and wait for the client's reply to appear."""
    replies = page.locator(".transcript .turn-client")
    await expect(replies).to_have_count(1)  # the opening line (turn 0)
    for n, line in enumerate(lines, start=1):
        await page.get_by_label("Your reply to the client").fill(line)
        await page.get_by_role("button", name="Send").click()
        await expect(replies).to_have_count(n + 1)
        await expect(page.locator(".transcript .turn-trainee").nth(n - 1)).to_contain_text(line)
        await expect(page.get_by_role("button", name="Send")).to_be_enabled()


async def start_text(page: Page, within: Any = None, scenario: str = SCENARIO) -> str:
    await (within or page).get_by_role("button", name=f"Practise {scenario} by text").click()
    await expect(page.get_by_role("heading", level=1, name=scenario)).to_be_visible()
    return session_id_of(page)


async def team_via_api(stack: Stack, lead: str, trainee: str) -> None:
    """An admin (through the API) makes a team that `lead` leads and `trainee` belongs to."""
    admin = stack.auth(unique_user("admin"), "admin")
    team = await stack.http.post("/v1/teams", json={"name": unique_user("team")}, headers=admin)
    assert team.status_code == 201, team.text
    for user_id, role in ((lead, "lead"), (trainee, "member")):
        put = await stack.http.put(
            f"/v1/teams/{team.json()['id']}/members/{user_id}", json={"role": role}, headers=admin
        )
        assert put.status_code == 200, put.text
