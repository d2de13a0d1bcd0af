"""A session whose transcript retention purged, in the console: the evaluation still shows its
score and pass/fail and says the transcript was removed; the conversation page says so instead
of listing turns; no JavaScript error (the pages fixture fails on any)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from activities.retention import RetentionActivities
from core.contracts.retention import PurgeExpiredTranscripts
from core.db.engine import SessionMaker
from tests.browser.pages import LINES, Pages, chat, start_text, unique_user
from tests.privacy_helpers import keep_transcripts_forever

PURGED = "The transcript of this attempt was removed by the retention policy"


@pytest.fixture
async def keep_forever(sessionmaker: SessionMaker) -> AsyncIterator[None]:
    await keep_transcripts_forever(sessionmaker)
    yield
    await keep_transcripts_forever(sessionmaker)


async def test_a_purged_session_shows_its_score_and_says_the_transcript_was_removed(
    pages: Pages, sessionmaker: SessionMaker, temporal_env: WorkflowEnvironment, keep_forever: None
) -> None:
    page = await pages.signed_in(unique_user("trainee"))
    sid = await start_text(page)
    await chat(page, LINES)
    await page.get_by_role("button", name="End conversation").click()
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible(timeout=45_000)
    score = await page.locator(".score .big").inner_text()

    async with sessionmaker() as db:
        await db.execute(
            text(
                "UPDATE training_sessions SET ended_at = now() - interval '10 days' WHERE id = :id"
            ),
            {"id": uuid.UUID(sid)},
        )
        await db.commit()
    r = await pages.stack.http.put(
        "/v1/admin/retention",
        json={"transcript_days": 7},
        headers=pages.stack.auth(unique_user("admin"), "admin"),
    )
    assert r.status_code == 200, r.text
    result = await RetentionActivities(sessionmaker, temporal_env.client).purge_expired_transcripts(
        PurgeExpiredTranscripts()
    )
    assert result.sessions >= 1

    await page.reload()
    await expect(page.get_by_role("heading", name="Overall")).to_be_visible()
    await expect(page.get_by_text(PURGED)).to_be_visible()
    assert await page.locator(".score .big").inner_text() == score
    await expect(page.locator(".evidence blockquote")).to_have_count(0)
    await pages.shot(page, "evaluation-purged")

    await page.get_by_role("link", name="Back to the conversation").click()
    await expect(page.get_by_text(PURGED)).to_be_visible()
    await expect(page.locator(".transcript .turn")).to_have_count(0)
