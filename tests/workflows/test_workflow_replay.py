"""Every history recorded by the workflow tests (tests/histories/*.json, written by
`keep_history` under VOICETRAIN_RECORD_HISTORIES=1) replays with today's workflow code, and so do
the ones recorded by earlier versions (kept in subdirectories named for the change that
followed them: runs in flight during a deployment replay on the new code)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from tests.helpers import HISTORY_DIR, replayer

RECORDED = sorted(HISTORY_DIR.rglob("*.json"))


def test_histories_are_recorded() -> None:
    assert RECORDED, f"no recorded histories in {HISTORY_DIR}"


@pytest.mark.parametrize(
    "path", RECORDED, ids=[str(p.relative_to(HISTORY_DIR).with_suffix("")) for p in RECORDED]
)
async def test_recorded_history_replays_deterministically(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    await replayer().replay_workflow(history)
