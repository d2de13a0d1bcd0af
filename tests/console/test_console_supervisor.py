"""The supervisor in the web console (headless Chromium against the real stack): teams,
assignments, the review, progress and agreement, and a practice session the trainee shares."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.pages import (
    LINES,
    SCENARIO,
    Pages,
    chat,
    start_text,
    team_via_api,
    unique_user,
)
from tests.browser.stack import Stack


async def test_supervisor_assigns_reviews_and_follows_progress(pages: Pages, stack: Stack) -> None:
    lead, trainee, team = unique_user("lead"), unique_user("trainee"), unique_user("Team")

    # An admin makes the team on the Teams page: the supervisor leads, the trainee is a member.
    admin = await pages.signed_in(unique_user("admin"), "admin")
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
    session_id = await start_text(page, assigned)
    await chat(page, LINES)
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
    lead, trainee = unique_user("lead"), unique_user("sharer")
    await team_via_api(stack, lead, trainee)
    page = await pages.signed_in(trainee)
    session_id = await start_text(page)
    await chat(page, LINES[:1])

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
