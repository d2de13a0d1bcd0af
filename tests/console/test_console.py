"""The web console in headless Chromium (Debian's, through Playwright) against the real stack:
the API over real HTTP, a real worker, Temporal and Postgres. Screenshots go to each test's
tmp_path; with VOICETRAIN_UPDATE_SCREENSHOTS=1 the main pages are also copied to docs/screenshots."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from core.db.engine import SessionMaker
from tests.browser.stack import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    Stack,
    require_chromium,
    served_stack,
)

SCENARIO = "First session: an anxious first-year student"  # anxious-college-student
PHONE: ViewportSize = {"width": 375, "height": 812}
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
async def stack(
    temporal_env: WorkflowEnvironment,
    sessionmaker: SessionMaker,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    state = tmp_path_factory.mktemp("console-state")
    async with served_stack(temporal_env.client, sessionmaker, database_url, state) as s:
        yield s


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as pw:
        b = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield b
        finally:
            await b.close()


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


@pytest.fixture
async def pages(browser: Browser, stack: Stack, tmp_path: Path) -> AsyncIterator[Pages]:
    p = Pages(browser, stack, tmp_path)
    yield p
    await p.close()
    assert p.errors == [], f"JavaScript errors on the page: {p.errors}"


def _user(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _session_id(page: Page) -> str:
    return page.url.split("#/sessions/")[1].split("/")[0]


# What the trainee writes: an open question, advice without permission, a reflection.
LINES = [
    "What's been going on that made you decide to come in today?",
    "You should just relax more and stop worrying so much about exams.",
    "It sounds like that exam was frightening, and you're exhausted from carrying it.",
]


async def _chat(page: Page, lines: list[str]) -> None:
    """Write each line in the chat and wait for the client's reply to appear."""
    replies = page.locator(".transcript .turn-client")
    await expect(replies).to_have_count(1)  # the opening line (turn 0)
    for n, line in enumerate(lines, start=1):
        await page.get_by_label("Your reply to the client").fill(line)
        await page.get_by_role("button", name="Send").click()
        await expect(replies).to_have_count(n + 1)
        await expect(page.locator(".transcript .turn-trainee").nth(n - 1)).to_contain_text(line)
        await expect(page.get_by_role("button", name="Send")).to_be_enabled()


async def _start_text(page: Page, within: Any = None) -> str:
    await (within or page).get_by_role("button", name=f"Practise {SCENARIO} by text").click()
    await expect(page.get_by_role("heading", level=1, name=SCENARIO)).to_be_visible()
    return _session_id(page)


async def test_trainee_practises_by_text_and_reads_the_evaluation(pages: Pages) -> None:
    page = await pages.signed_in(_user("trainee"))
    await expect(page.get_by_role("heading", name=SCENARIO)).to_be_visible()
    await expect(page.get_by_text("Nothing is assigned to you right now.")).to_be_visible()
    await pages.shot(page, "library", keep=True)

    await _start_text(page)
    await expect(page.get_by_text("in conversation", exact=True)).to_be_visible()
    await _chat(page, LINES)
    await expect(page.get_by_text("Client · turn 6")).to_be_visible()
    await pages.shot(page, "text-chat", keep=True)

    # While it runs, the evaluation page shows the pending state (202 + Retry-After).
    await page.get_by_role("link", name="Evaluation", exact=True).click()
    await expect(page.get_by_text("The conversation is still going.")).to_be_visible()
    await pages.shot(page, "evaluation-pending", keep=True)

    await page.get_by_role("link", name="Back to the conversation").click()
    await page.get_by_role("button", name="End conversation").click()
    # ... and it resolves by itself into the report.
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible(timeout=45_000)
    await expect(page.get_by_text("Pass mark")).to_be_visible()
    criteria = page.get_by_role("region", name="Criteria")
    await expect(criteria.get_by_role("heading", level=3).first).to_be_visible()
    await expect(criteria.locator(".evidence blockquote").first).to_be_visible()  # quoted evidence
    await expect(criteria.get_by_text(re.compile(r"^turn \d+$")).first).to_be_visible()
    await expect(criteria.get_by_text("You could try").first).to_be_visible()  # better alternative
    await expect(page.get_by_role("region", name="Skills")).to_contain_text("Open questions")
    await expect(page.get_by_role("region", name="Red flags")).to_be_visible()
    history = page.get_by_role("region", name="History")
    await expect(history.get_by_role("cell", name="AI evaluation")).to_be_visible()
    await pages.shot(page, "evaluation", keep=True)

    await page.get_by_role("link", name="My sessions").click()
    await expect(page.get_by_role("link", name=SCENARIO).first).to_be_visible()
    await pages.shot(page, "sessions")


async def test_a_session_without_conversation_explains_why_there_is_no_evaluation(
    pages: Pages,
) -> None:
    page = await pages.signed_in(_user("trainee"))
    await _start_text(page)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="No evaluation for this session")).to_be_visible(
        timeout=45_000
    )
    await expect(page.get_by_text("The conversation was too short to evaluate")).to_be_visible()
    await pages.shot(page, "no-evaluation", keep=True)


async def test_another_trainees_session_is_not_found(pages: Pages, stack: Stack) -> None:
    owner = _user("owner")
    scenarios = (await stack.http.get("/v1/scenarios", headers=stack.auth(owner))).json()
    started = await stack.http.post(
        "/v1/sessions",
        json={"scenario_id": scenarios[0]["id"], "modality": "text"},
        headers=stack.auth(owner),
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["session_id"]

    page = await pages.signed_in(_user("other"))
    for path in (
        f"#/sessions/{session_id}",
        f"#/sessions/{session_id}/evaluation",
        f"#/reviews/{session_id}",
    ):
        await page.goto(f"{stack.url}/{path}")
        await expect(page.get_by_role("heading", level=1, name="Not found")).to_be_visible()
        await expect(page.get_by_text(session_id)).to_have_count(0)
    await stack.http.post(f"/v1/sessions/{session_id}/end", headers=stack.auth(owner))


async def _team_via_api(stack: Stack, lead: str, trainee: str) -> None:
    admin = stack.auth(_user("admin"), "admin")
    team = await stack.http.post("/v1/teams", json={"name": _user("team")}, headers=admin)
    assert team.status_code == 201, team.text
    for user_id, role in ((lead, "lead"), (trainee, "member")):
        put = await stack.http.put(
            f"/v1/teams/{team.json()['id']}/members/{user_id}", json={"role": role}, headers=admin
        )
        assert put.status_code == 200, put.text


async def test_supervisor_assigns_reviews_and_follows_progress(pages: Pages, stack: Stack) -> None:
    lead, trainee, team = _user("lead"), _user("trainee"), _user("Team")

    # An admin makes the team on the Teams page: the supervisor leads, the trainee is a member.
    admin = await pages.signed_in(_user("admin"), "admin")
    await admin.get_by_role("link", name="Teams").click()
    await admin.get_by_label("New team name").fill(team)
    await admin.get_by_role("button", name="Create team").click()
    card = admin.get_by_role("listitem").filter(has=admin.get_by_role("heading", name=team))
    for user_id, role in ((lead, "lead"), (trainee, "member")):
        await card.get_by_label("User id").fill(user_id)
        await card.get_by_label("Role").select_option(role)
        await card.get_by_role("button", name="Add member").click()
        await expect(card.get_by_text(f"{user_id} is now")).to_be_visible()
    members = card.get_by_role("list", name=f"Members of {team}")
    await expect(members.get_by_role("listitem")).to_have_count(2)
    await expect(members.get_by_role("listitem").filter(has_text=lead)).to_contain_text("lead")

    # The supervisor assigns with a due date, a minimum score and a review.
    sup = await pages.signed_in(lead, "supervisor")
    await expect(sup.get_by_text(f"Your teams’ trainees: {trainee}")).to_be_visible()
    await sup.get_by_label("Trainee (user id)").fill(trainee)
    await sup.get_by_label("Scenario").select_option(label=f"{SCENARIO} (beginner)")
    await sup.get_by_label("Due date (optional)").fill("2031-05-20")
    await sup.get_by_label("Attempts allowed").fill("2")
    await sup.get_by_label("Minimum score (optional)").fill("50")
    await sup.get_by_label("A supervisor reviews every attempt").check()
    await sup.get_by_role("button", name="Assign").click()
    await expect(sup.get_by_text(f"Assigned to {trainee}.")).to_be_visible()
    row = (
        sup.get_by_role("region", name="Your teams’ assignments")
        .get_by_role("row")
        .filter(has_text=trainee)
    )
    await expect(row).to_contain_text("not started")
    await expect(row).to_contain_text("May 20, 2031")
    await pages.shot(sup, "assign", keep=True)

    # The trainee sees it and practises it by text.
    page = await pages.signed_in(trainee)
    assigned = page.get_by_role("region", name="Assigned to you")
    await expect(assigned).to_contain_text("minimum score 50")
    await expect(assigned).to_contain_text("reviewed by your supervisor")
    await expect(assigned).to_contain_text("Due May 20, 2031")
    session_id = await _start_text(page, assigned)
    await _chat(page, LINES)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible(timeout=45_000)
    await expect(page.get_by_text("Your supervisor reviews this attempt")).to_be_visible()

    # The supervisor reviews it: the transcript beside the AI evaluation.
    await sup.get_by_role("link", name="Reviews").click()
    await expect(sup.get_by_role("heading", level=1, name="Reviews")).to_be_visible()
    await sup.get_by_role("row").filter(has_text=trainee).get_by_role("link", name=SCENARIO).click()
    await expect(sup.get_by_role("heading", level=1, name=f"Review: {SCENARIO}")).to_be_visible()
    transcript = sup.get_by_role("region", name="Transcript")
    await expect(transcript).to_contain_text(LINES[1])
    form = sup.get_by_role("region", name="AI evaluation and your review")
    first = form.get_by_role("group").first
    await first.get_by_label("Your rating").select_option(index=1)
    await sup.get_by_role("button", name="Submit review").click()
    await expect(sup.get_by_text("Add a comment to every rating you change.")).to_be_visible()
    await first.get_by_label("Comment (required when you change the rating)").fill(
        "The opening question was better than the AI thought."
    )
    await form.get_by_label("Fail").check()
    await form.get_by_label("Comment for the trainee").fill("Ask before you advise; try again.")
    await expect(sup.get_by_text("Add a comment to every rating you change.")).to_have_count(0)
    await sup.evaluate("window.scrollTo(0, 0)")
    await pages.shot(sup, "review", keep=True, full_page=False)  # the transcript is sticky
    await sup.get_by_role("button", name="Submit review").click()
    await expect(sup.get_by_text(re.compile(r"Review saved \(revision 2\): fail"))).to_be_visible()

    # The trainee's evaluation shows the review and both revisions.
    await page.reload()
    review = page.get_by_role("region", name="Supervisor review")
    await expect(review).to_contain_text("Ask before you advise; try again.")
    await expect(review).to_contain_text("not passed")
    await expect(
        page.get_by_text("The opening question was better than the AI thought.")
    ).to_be_visible()
    history = page.get_by_role("region", name="History")
    await expect(history.get_by_role("row")).to_have_count(3)
    await expect(history.get_by_role("cell", name=re.compile("supervisor review"))).to_be_visible()
    await pages.shot(page, "evaluation-reviewed", keep=True)
    assert session_id

    await sup.get_by_role("link", name="Reviews").click()
    await sup.get_by_role("link", name="Done").click()
    await expect(sup.get_by_role("row").filter(has_text=trainee)).to_contain_text(lead)

    # Progress: the chart and the skills trend.
    await sup.get_by_role("row").filter(has_text=trainee).get_by_role("link", name=trainee).click()
    await expect(sup.get_by_role("heading", level=1, name=f"Progress of {trainee}")).to_be_visible()
    chart = sup.get_by_role("img", name="First, best and latest score per scenario")
    await expect(chart).to_be_visible()
    await expect(chart.locator("rect.bar-best")).to_have_count(1)
    await expect(
        sup.get_by_role("region", name="Skills over time").locator("svg")
    ).not_to_have_count(0)
    await pages.shot(sup, "progress", keep=True)

    # Agreement: one reviewed session, pass/fail and per-criterion figures.
    await sup.get_by_role("link", name="Agreement").click()
    await expect(
        sup.get_by_role("heading", level=1, name="AI and supervisor agreement")
    ).to_be_visible()
    reviewed = sup.locator(".figures .card").filter(has_text="Reviewed sessions")
    await expect(reviewed.locator(".figure")).to_have_text("1")
    await expect(
        sup.locator(".figures .card").filter(has_text="Pass/fail agreement")
    ).to_contain_text("of 1 agreed")
    per = sup.get_by_role("region", name="Per criterion")
    await expect(per.get_by_role("cell", name="0%", exact=True)).to_have_count(1)
    await pages.shot(sup, "agreement", keep=True)


async def test_sharing_makes_a_practice_session_visible_to_the_supervisor(
    pages: Pages, stack: Stack
) -> None:
    lead, trainee = _user("lead"), _user("sharer")
    await _team_via_api(stack, lead, trainee)
    page = await pages.signed_in(trainee)
    session_id = await _start_text(page)
    await _chat(page, LINES[:1])

    sup = await pages.signed_in(lead, "supervisor")
    await sup.goto(f"{stack.url}/#/sessions/{session_id}")
    await expect(sup.get_by_role("heading", level=1, name="Not found")).to_be_visible()

    await page.get_by_role("button", name="Share with my supervisor").click()
    await expect(page.get_by_text("Shared: the supervisors of your teams")).to_be_visible()
    await expect(page.get_by_role("button", name="Share with my supervisor")).to_have_count(0)

    await sup.reload()
    await expect(sup.get_by_role("heading", level=1, name=SCENARIO)).to_be_visible()
    await expect(sup.get_by_text(LINES[0])).to_be_visible()
    await expect(sup.get_by_text(f"Trainee {trainee}")).to_be_visible()
    await expect(sup.get_by_role("textbox", name="Your reply to the client")).to_have_count(0)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", level=1, name="Evaluation")).to_be_visible()


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
    await page.keyboard.type(_user("keys"))
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
    page = await pages.signed_in(_user("phone"), viewport=PHONE)
    await _no_horizontal_scroll(page)
    await pages.shot(page, "phone-library", keep=True)
    await _start_text(page)
    await _chat(page, LINES)
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

    admin = await pages.signed_in(_user("phone-admin"), "admin", viewport=PHONE)
    await _no_horizontal_scroll(admin)
    for link, heading in (
        ("Reviews", "Reviews"),
        ("Agreement", "AI and supervisor agreement"),
        ("Teams", "Teams"),
    ):
        await admin.get_by_role("link", name=link, exact=True).click()
        await expect(admin.get_by_role("heading", level=1, name=heading)).to_be_visible()
        await _no_horizontal_scroll(admin)
