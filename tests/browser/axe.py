"""axe-core (Deque, MPL-2.0; the copy bundled in the axe-playwright-python wheel, so nothing is
downloaded) run inside a page: the serious and critical accessibility violations it finds."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from playwright.async_api import Page

BLOCKING = ("serious", "critical")


@cache
def _script() -> str:
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


async def serious_violations(page: Page) -> list[str]:
    """`rule (impact): target, ...` for every serious or critical axe violation on the page."""
    await page.evaluate(_script())
    # Experimental rules too: label-content-name-mismatch (a control whose accessible name does
    # not contain its visible text: speech users say what they see) is one of them.
    result: dict[str, Any] = await page.evaluate(
        """() => {
            const experimental = axe.getRules(['experimental']).map(r => r.ruleId);
            const rules = Object.fromEntries(experimental.map(id => [id, {enabled: true}]));
            return axe.run(document, {resultTypes: ['violations'], rules});
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
