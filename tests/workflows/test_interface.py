"""workflows/interface.py is what clients rely on: the workflow must declare exactly its
handlers, each under its name and with its payload types."""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

from temporalio import workflow

from workflows import interface
from workflows.session import TrainingSessionWorkflow

# The SDK's own reading of the class (what the worker registers); it has no public accessor.
DEFINITION = workflow._Definition.must_from_class(TrainingSessionWorkflow)


def _payload_types(fn: Any) -> tuple[list[Any], Any]:
    hints = get_type_hints(fn)
    params = [p for p in inspect.signature(fn).parameters if p != "self"]
    return [hints[p] for p in params], hints["return"]


def test_the_workflow_type_is_the_interfaces() -> None:
    assert DEFINITION.name == interface.WORKFLOW_TYPE == "TrainingSession"


def test_updates_match() -> None:
    assert set(DEFINITION.updates) == {
        d.name for d in (interface.AWAIT_READY, interface.AGENT_JOINED,
                         interface.SEND_MESSAGE, interface.SUBMIT_REVIEW)
    }  # fmt: skip
    ready = DEFINITION.updates[interface.AWAIT_READY.name].fn
    assert _payload_types(ready) == ([], interface.AWAIT_READY.result_type)
    for update in (interface.AGENT_JOINED, interface.SEND_MESSAGE, interface.SUBMIT_REVIEW):
        fn = DEFINITION.updates[update.name].fn
        assert _payload_types(fn) == ([update.arg_type], update.result_type), update.name


def test_signals_match() -> None:
    signals = (interface.ADD_TURNS, interface.END_CONVERSATION)
    assert set(DEFINITION.signals) == {s.name for s in signals}
    for signal in signals:
        fn = DEFINITION.signals[signal.name].fn
        assert _payload_types(fn) == ([signal.arg_type], type(None)), signal.name


def test_queries_match() -> None:
    assert set(DEFINITION.queries) == {interface.STATUS.name}
    fn = DEFINITION.queries[interface.STATUS.name].fn
    assert _payload_types(fn) == ([], interface.STATUS.result_type)
