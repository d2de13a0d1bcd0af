"""The web console without a mouse and at phone width (headless Chromium against the real
stack): every step reachable by Tab with a visible focus, and no page scrolls sideways."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.browser.pages import LINES, PHONE, SCENARIO, Pages, chat, start_text, unique_user
from tests.browser.stack import Stack


async def _tab_to(page: Page, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            "() => { const e = document.activeElement; return (e.getAttribute('aria-label') || e.textContent || '').trim(); }"
        )
        if focused == name:
            outline = await page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle"
            )
            assert outline != "none", f"{name!r} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {name!r}")


async def test_keyboard_only(pages: Pages, stack: Stack) -> None:
    page = await pages.open()
    await page.goto(f"{stack.url}/#/signin")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await _tab_to(page, "Skip to content")
    await page.keyboard.press("Tab")  # into the user id field
    await page.keyboard.press("Control+A")
    await page.keyboard.type(unique_user("keys"))
    await _tab_to(page, "Sign in")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Scenario library")).to_be_visible()

    await _tab_to(page, f"Practise {SCENARIO} by text")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name=SCENARIO)).to_be_visible()
    await _tab_to(page, "End conversation")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Evaluation")).to_be_visible()
    await _tab_to(page, "My sessions")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="My sessions")).to_be_visible()


async def _no_horizontal_scroll(page: Page) -> None:
    overflow = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at phone width"


async def test_phone_width_has_no_horizontal_scroll(pages: Pages, stack: Stack) -> None:
    page = await pages.signed_in(unique_user("phone"), viewport=PHONE)
    await _no_horizontal_scroll(page)
    await pages.shot(page, "phone-library", keep=True)
    await start_text(page)
    await chat(page, LINES)
    await _no_horizontal_scroll(page)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible(timeout=45_000)
    await _no_horizontal_scroll(page)
    await pages.shot(page, "phone-evaluation", keep=True)
    await page.get_by_role("link", name="My sessions").click()
    await expect(page.get_by_role("heading", level=1, name="My sessions")).to_be_visible()
    await _no_horizontal_scroll(page)
    await page.get_by_role("link", name="Progress").click()
    await expect(page.get_by_role("img", name=re.compile("First, best and latest"))).to_be_visible()
    await _no_horizontal_scroll(page)

    admin = await pages.signed_in(unique_user("phone-admin"), "admin", viewport=PHONE)
    await _no_horizontal_scroll(admin)
    for link, heading in (
        ("Reviews", "Reviews"),
        ("Agreement", "AI and supervisor agreement"),
        ("Teams", "Teams"),
    ):
        await admin.get_by_role("link", name=link, exact=True).click()
        await expect(admin.get_by_role("heading", level=1, name=heading)).to_be_visible()
        await _no_horizontal_scroll(admin)
