"""Every page of the console passes axe-core with no serious or critical violation, and loads
without a failed request (issue 26: the practice buttons' accessible names did not contain their
visible text; the desktop page asked for two resources that do not exist)."""

from __future__ import annotations

from playwright.async_api import ConsoleMessage, Page, Response, expect

from tests.browser.axe import serious_violations
from tests.browser.pages import LINES, Pages, chat, start_text, unique_user
from tests.browser.stack import Stack


def _is_resource(url: str) -> bool:
    # API answers (a 409 `no_evaluation`, a 404 for what is not visible) are the contract at
    # work; what must never fail is what the page itself loads: scripts, styles, icons.
    return "/v1/" not in url


def _watch_failures(page: Page) -> list[str]:
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400 and _is_resource(response.url):
            failed.append(f"{response.status} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        # what the browser itself reports (also requests Playwright does not surface, e.g. icons)
        url = message.location.get("url", "")
        if "Failed to load resource" in message.text and _is_resource(url):
            failed.append(f"{message.text} {url}")

    page.on("response", on_response)
    page.on("console", on_console)
    return failed


async def _visit(page: Page, heading: str, seen: dict[str, list[str]]) -> None:
    await expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    seen[heading] = await serious_violations(page)


async def test_every_trainee_page_passes_axe(pages: Pages, stack: Stack) -> None:
    seen: dict[str, list[str]] = {}
    page = await pages.open()
    failed = _watch_failures(page)
    await page.goto(f"{stack.url}/#/signin")
    await _visit(page, "Sign in", seen)
    await page.get_by_label("User id").fill(unique_user("axe"))
    await page.get_by_role("button", name="Sign in").click()
    await _visit(page, "Scenario library", seen)
    session_id = await start_text(page)
    await chat(page, LINES)
    seen["conversation"] = await serious_violations(page)
    await page.get_by_role("button", name="End conversation").click()
    await _visit(page, "Evaluation", seen)
    for link, heading in (("My sessions", "My sessions"), ("Progress", "Progress")):
        await page.get_by_role("link", name=link).click()
        await _visit(page, heading, seen)
    await page.goto(f"{stack.url}/#/sessions/{session_id}")
    seen["finished conversation"] = await serious_violations(page)
    assert {name: found for name, found in seen.items() if found} == {}
    assert failed == []


async def test_every_staff_page_passes_axe(pages: Pages, stack: Stack) -> None:
    seen: dict[str, list[str]] = {}
    page = await pages.signed_in(unique_user("axe-admin"), "admin")
    failed = _watch_failures(page)
    await _visit(page, "Assign a scenario", seen)
    for link, heading in (
        ("Reviews", "Reviews"),
        ("Sessions", "Sessions"),
        ("Progress", "Progress"),
        ("Agreement", "Agreement"),
        ("Scenarios", "Scenarios"),
        ("New scenario", "New scenario"),
        ("Teams", "Teams"),
        ("Library", "Scenario library"),
    ):
        await page.get_by_role("link", name=link).click()
        await _visit(page, heading, seen)
    # the editor with a fact, a criterion and a custom red flag open, and a 422 shown
    await page.goto(f"{stack.url}/#/scenarios/new")
    await _visit(page, "New scenario", seen)
    for noun in ("fact", "criterion", "red flag"):
        await page.get_by_role("button", name=f"Add {noun}").click()
    await page.get_by_role("button", name="Publish").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    seen["scenario editor with problems"] = await serious_violations(page)
    assert {name: found for name, found in seen.items() if found} == {}
    assert failed == []
