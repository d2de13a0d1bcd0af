"""Histories recorded by the workflow tests, replayed by tests/test_workflow_replay.py."""

from __future__ import annotations

from temporalio.client import WorkflowHistory

HISTORIES: list[WorkflowHistory] = []
