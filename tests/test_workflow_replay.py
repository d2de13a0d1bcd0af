"""Every history recorded by the workflow tests replays without non-determinism."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.histories import HISTORIES
from workflows.session import TrainingSessionWorkflow


async def test_recorded_histories_replay_deterministically() -> None:
    assert HISTORIES, "the tests above record histories; run the module as a whole"
    replayer = Replayer(workflows=[TrainingSessionWorkflow], data_converter=pydantic_data_converter)
    for history in HISTORIES:
        await replayer.replay_workflow(history)
