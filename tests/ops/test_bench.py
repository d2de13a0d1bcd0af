"""`voicetrain bench --quick --faults --workers 2 --starts 12` runs end to end (two worker processes, so one
of them is also killed alone): correctness only (counts equal, JSON
written, each fault struck and its recovery measured and reported), never speed."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

# Worst case by the declared policies: each of four faults waits out a heartbeat timeout and a
# sticky-queue timeout (seconds), and every run awaits all its sessions' outcomes.
BUDGET_SECONDS = 540
BENCH_ARGS = ("--quick", "--faults", "--workers", "2", "--starts", "12")


@pytest.mark.timeout(BUDGET_SECONDS + 30)
def test_quick_bench_with_faults_is_consistent(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "voicetrain", "bench", *BENCH_ARGS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=BUDGET_SECONDS,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    written = list((tmp_path / "bench" / "results").glob("bench-*-quick.json"))
    assert len(written) == 1
    results = json.loads(written[0].read_text())
    # as many starts timed as asked for, the floor's too
    assert results["sizes"]["starts"] == 12
    assert results["start_latency"]["spaced"]["n"] == results["start_latency"]["floor"]["n"] == 12
    assert results["start_latency"]["first_start_ms"] > 0  # the cold start, reported apart
    faults = results["faults"]
    assert set(faults) == {
        "worker_sigkill",
        "one_of_2_workers_sigkill",  # the survivor takes over; its replacement joins later
        "postgres_restart",
        "bridge_down_5s",
        "bridge_down_during_join_5s",
    }
    for check in [results["live_load"]["check"], *faults.values()]:
        assert check["started"] > 0
        assert check["abandoned"] == {}
        assert check["unfinished"] == 0
        assert check["client_errors"] == 0
        assert (
            check["started"]
            == check["completed"]
            == check["complete_transcript"]
            == check["exactly_one_evaluation"]
        )
    report = out.stdout.splitlines()
    for name, check in faults.items():
        # the fault really struck (its window is timed from its own start) and recovery is a finite
        # time from its end that fits in the run (its size is the bench's to report, not a test's)
        assert check["fault_seconds"] > 0, (name, check)
        assert math.isfinite(check["recovery_seconds"]), (name, check)
        assert 0 <= check["recovery_seconds"] < BUDGET_SECONDS, (name, check)
        # and the printed report names the fault with the recovery it measured
        line = next(x for x in report if x.startswith(f"fault {name:>17}: "))
        assert f"'recovery_seconds': {check['recovery_seconds']}" in line, line
    assert results["machine"]["worker_processes"] == 2
    assert results["persistence"]["turns"] == 50
    assert results["start_latency"]["sequential"]["n"] == 12  # as many as --starts asked
