"""The console's browser tests share one served stack and one headless Chromium (Debian's,
through Playwright); each test gets fresh browser contexts and fails on any JavaScript error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from core.db.engine import SessionMaker
from tests.browser.pages import Pages
from tests.browser.stack import CHROMIUM, CHROMIUM_ARGS, Stack, require_chromium, served_stack

expect.set_options(timeout=15_000)


@pytest.fixture(scope="package")
async def stack(
    temporal_env: WorkflowEnvironment,
    sessionmaker: SessionMaker,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    state = tmp_path_factory.mktemp("console-state")
    async with served_stack(temporal_env.client, sessionmaker, database_url, state) as s:
        yield s


@pytest.fixture(scope="package")
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


@pytest.fixture
async def pages(browser: Browser, stack: Stack, tmp_path: Path) -> AsyncIterator[Pages]:
    p = Pages(browser, stack, tmp_path)
    yield p
    await p.close()
    assert p.errors == [], f"JavaScript errors on the page: {p.errors}"
