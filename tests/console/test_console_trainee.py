"""The trainee in the web console (headless Chromium against the real stack: the API over real
HTTP, a real worker, Temporal and Postgres): text practice, the evaluation report, and nothing of
another trainee's. Screenshots go to each test's tmp_path; with VOICETRAIN_UPDATE_SCREENSHOTS=1
the main pages are also copied to docs/screenshots."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.pages import LINES, SCENARIO, Pages, chat, start_text, unique_user
from tests.browser.stack import Stack


async def test_trainee_practises_by_text_and_reads_the_evaluation(pages: Pages) -> None:
    page = await pages.signed_in(unique_user("trainee"))
    await expect(page.get_by_role("heading", name=SCENARIO)).to_be_visible()
    await expect(page.get_by_text("Nothing is assigned to you right now.")).to_be_visible()
    await pages.shot(page, "library", keep=True)

    await start_text(page)
    await expect(page.get_by_text("in conversation", exact=True)).to_be_visible()
    await chat(page, LINES)
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
    page = await pages.signed_in(unique_user("trainee"))
    await start_text(page)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="No evaluation for this session")).to_be_visible(
        timeout=45_000
    )
    await expect(page.get_by_text("The conversation was too short to evaluate")).to_be_visible()
    await pages.shot(page, "no-evaluation", keep=True)


async def test_another_trainees_session_is_not_found(pages: Pages, stack: Stack) -> None:
    owner = unique_user("owner")
    scenarios = (await stack.http.get("/v1/scenarios", headers=stack.auth(owner))).json()
    started = await stack.http.post(
        "/v1/sessions",
        json={"scenario_id": scenarios[0]["id"], "modality": "text"},
        headers=stack.auth(owner),
    )
    assert started.status_code == 201, started.text
    session_id = started.json()["session_id"]

    page = await pages.signed_in(unique_user("other"))
    for path in (
        f"#/sessions/{session_id}",
        f"#/sessions/{session_id}/evaluation",
        f"#/reviews/{session_id}",
    ):
        await page.goto(f"{stack.url}/{path}")
        await expect(page.get_by_role("heading", level=1, name="Not found")).to_be_visible()
        await expect(page.get_by_text(session_id)).to_have_count(0)
    await stack.http.post(f"/v1/sessions/{session_id}/end", headers=stack.auth(owner))
