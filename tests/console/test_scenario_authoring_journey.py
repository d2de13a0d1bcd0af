"""Issue 26: a supervisor authors a scenario entirely in the console (plain-language fields: no
YAML, no patterns), publishes it and assigns it; the trainee practises it by text and is quoted
in the evaluation; the supervisor's later edit is a new version, and the earlier attempt keeps
its own version and its evaluation unchanged. Headless Chromium against the real stack."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.browser.axe import serious_violations
from tests.browser.pages import Pages, chat, start_text, team_via_api, unique_user
from tests.browser.stack import Stack

OPENING = "Hi. I wasn't sure whether to call. It's about my dad."
# What the trainee types: the criterion's examples show the behaviour, these say it their way.
TRAINEE = [
    "What has been happening with your dad lately?",
    "It sounds like you're worn out from carrying all of this on your own.",
]


def _notice(page: Page, text: str | re.Pattern[str]) -> Locator:
    """The visible notice (the screen reader's announcer repeats it, hidden)."""
    return page.get_by_role("status").filter(has_text=text)


async def _fill(scope: Page | Locator, values: dict[str, str]) -> None:
    for label, text in values.items():
        await scope.get_by_label(label, exact=True).fill(text)


async def _author(sup: Page, title: str) -> None:
    await sup.get_by_role("link", name="Scenarios", exact=True).click()
    await expect(sup.get_by_role("heading", level=1, name="Scenarios")).to_be_visible()
    await sup.get_by_role("link", name="New scenario").click()
    await expect(sup.get_by_role("heading", level=1, name="New scenario")).to_be_visible()
    about = sup.get_by_role("region", name="About")
    await about.get_by_label("Title", exact=True).fill(title)

    # A draft saves incomplete; publishing it names each missing field next to that field.
    await sup.get_by_role("button", name="Save draft").click()
    await expect(_notice(sup, re.compile(r"Draft saved \(version 1\)"))).to_be_visible()
    await sup.get_by_role("button", name="Publish").click()
    await expect(sup.get_by_role("alert")).to_contain_text("Not published.")
    opening = sup.get_by_label("Opening line", exact=True)
    await expect(opening).to_have_attribute("aria-invalid", "true")
    await expect(opening).to_have_accessible_description(re.compile("is empty"))

    await _fill(
        about,
        {
            "Summary": "An adult child calls about a father who has stopped eating since his wife died.",
            "Briefing for the trainee": "Sam calls about their father. Listen, explore what has "
            "happened, and reflect what you hear before you suggest anything.",
        },
    )
    client = sup.get_by_role("region", name="The client")
    await _fill(
        client,
        {
            "Name": "Sam",
            "Who they are": "Sam, 34, whose mother died in spring; their father lives alone now.",
            "How they speak": "Tired, short sentences; longer when they feel heard.",
            "Opening line": OPENING,
            "Resistance": "Goes quiet and says it is fine when told what to do.",
            "Closing line": "Thanks. It helped to say it out loud.",
            "Line when the trainee ends early": "Oh. Okay. Bye then.",
        },
    )
    await client.get_by_role("button", name="Add fact").click()
    fact = client.get_by_role("group", name="Fact 1")
    await _fill(
        fact,
        {
            "Topic that unlocks it": "what has been happening with her father",
            "What the client says": "He hardly eats since Mum died. He sits in her chair all day.",
            "Turns that reach it": "What has been going on with your father?\n"
            "Tell me about your dad.",
            "Answer to a closed question": "He's managing, I suppose.",
        },
    )
    rubric = sup.get_by_role("region", name="Rubric")
    await rubric.get_by_label("Pass mark", exact=True).fill("40")
    await rubric.get_by_role("button", name="Add criterion").click()
    criterion = rubric.get_by_role("group", name="Criterion 1")
    await _fill(
        criterion,
        {
            "Title": "Explores with open questions",
            "Description": "Invites the caller to tell their story in their own words.",
            "What counts as evidence": "An open question about what has been happening.",
            "Examples that meet it": "What has been going on with your dad?\n"
            "Tell me what has been happening lately.\nHow have things been at home?",
            "Examples that do not meet it": "Is your dad eating?\nDid you call a doctor?",
            "Weight": "10",
            "Feedback when met": "You let Sam tell it their way.",
            "Feedback when partly met": "One open question; ask more of them.",
            "Feedback when not met": "Ask what has been happening before anything else.",
        },
    )
    await rubric.get_by_label("Question stacking").check()
    await sup.get_by_role("button", name="Publish").click()
    await expect(_notice(sup, "Published version 1.")).to_be_visible()


async def test_a_supervisor_authors_publishes_assigns_and_edits_a_scenario(
    pages: Pages, stack: Stack
) -> None:
    lead, trainee, title = unique_user("author"), unique_user("trainee"), unique_user("Caller")
    await team_via_api(stack, lead, trainee)
    sup = await pages.signed_in(lead, "supervisor")
    await _author(sup, title)
    await pages.shot(sup, "scenario-editor", keep=True)

    await sup.get_by_role("link", name="Assign").click()
    await sup.get_by_label("Trainee (user id)").fill(trainee)
    await sup.get_by_label("Scenario").select_option(label=f"{title} (intermediate)")
    await sup.get_by_role("button", name="Assign").click()
    await expect(sup.get_by_text(f"Assigned to {trainee}.")).to_be_visible()

    # The trainee practises it by text: the client opens with the authored line.
    page = await pages.signed_in(trainee)
    session_id = await start_text(page, page.get_by_role("region", name="Assigned to you"), title)
    await expect(page.locator(".transcript .turn-client").first).to_contain_text(OPENING)
    await expect(page.get_by_text("Scenario version 1")).to_be_visible()
    await chat(page, TRAINEE)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible(timeout=45_000)
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Explores with open questions")
    )
    await expect(card.locator("blockquote")).to_contain_text(TRAINEE[0])
    score = await page.locator(".score .big").inner_text()
    report = await page.get_by_role("region", name="Criteria").text_content() or ""

    # The supervisor edits the published scenario: a new version.
    await sup.get_by_role("link", name="Scenarios", exact=True).click()
    await sup.get_by_role("link", name=title, exact=True).click()
    await expect(sup.get_by_role("heading", level=1, name=f"Edit: {title}")).to_be_visible()
    await sup.get_by_label("Opening line", exact=True).fill("Hello. I'm calling about my father.")
    criterion = sup.get_by_role("group", name="Criterion 1")
    await criterion.get_by_label("Weight", exact=True).fill("30")
    await sup.get_by_role("button", name="Publish").click()
    await expect(_notice(sup, "Published version 2.")).to_be_visible()
    await sup.get_by_role("link", name="Scenarios", exact=True).click()
    row = sup.get_by_role("row").filter(has=sup.get_by_role("link", name=title, exact=True))
    await expect(row.get_by_role("cell").nth(2)).to_have_text("2")

    # The earlier attempt still shows version 1 and the same evaluation, to both of them.
    for viewer in (sup, page):
        await viewer.goto(f"{stack.url}/#/sessions/{session_id}/evaluation")
        await expect(viewer.get_by_text(re.compile("scenario version 1 ·"))).to_be_visible()
        await expect(viewer.get_by_role("heading", name="Overall")).to_be_visible()
        await expect(viewer.locator(".score .big")).to_have_text(score)
        await expect(viewer.get_by_role("region", name="Criteria")).to_have_text(report)
    await sup.get_by_role("link", name="Sessions").click()
    attempt = sup.get_by_role("row").filter(has_text=trainee)
    await expect(attempt).to_contain_text("version 1")

    # The supervisor labels the attempt in their own reading, then sees how far the evaluator
    # agrees with it on this scenario: version 1 (which the attempt played) and version 2.
    await sup.goto(f"{stack.url}/#/sessions/{session_id}/evaluation")
    labelling = sup.get_by_role("region", name="Label for calibration")
    await labelling.get_by_role("button", name="Save label").click()  # nothing chosen yet
    await expect(labelling.get_by_role("alert")).to_contain_text("rate every criterion")
    await labelling.get_by_label("Not pass").check()
    await labelling.get_by_label("Your score (0–100, optional)").fill("30")
    await labelling.get_by_label("Explores with open questions").select_option("partly")
    await labelling.get_by_role("button", name="Save label").click()
    await expect(labelling.get_by_role("status")).to_contain_text("Label saved")
    assert await serious_violations(sup) == []
    await labelling.get_by_role("link", name="See this scenario’s calibration").click()
    await expect(sup.get_by_role("heading", level=1, name=f"Calibration: {title}")).to_be_visible()
    attempts = sup.get_by_role("region", name="Attempts")
    row = attempts.get_by_role("row").filter(has=sup.get_by_role("link", name="Attempt 1"))
    await expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # the version it played
    await expect(row.get_by_role("cell").nth(2)).to_have_text("not pass 30")
    points = score.split()[0]  # "60 / 100"
    await expect(row.get_by_role("cell").nth(3)).to_contain_text(points)  # v1 re-scores alike
    agreed = "0%" if int(points) >= 40 else "100%"  # the label says not pass; the pass mark is 40
    figure = sup.locator(".figures .card").filter(has_text="Pass/fail agreement")
    await expect(figure.locator(".figure")).to_have_text(agreed)
    assert await serious_violations(sup) == []
    await sup.get_by_role("navigation", name="Versions").get_by_role("link").click()
    await expect(sup.get_by_text(re.compile(r"^Version 2 ·"))).to_be_visible()
    await expect(row.get_by_role("cell").nth(1)).to_have_text("1")
