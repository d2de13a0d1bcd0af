"""`voicetrain bench --quick --faults` runs end to end: correctness only (counts equal, JSON
written), never speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_quick_bench_with_faults_is_consistent(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "voicetrain", "bench", "--quick", "--faults"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    written = list((tmp_path / "bench" / "results").glob("bench-*-quick.json"))
    assert len(written) == 1
    results = json.loads(written[0].read_text())
    checks = [results["live_load"]["check"], *results["faults"].values()]
    assert len(checks) == 4
    for check in checks:
        assert check["started"] > 0
        assert (
            check["started"]
            == check["completed"]
            == check["complete_transcript"]
            == check["exactly_one_evaluation"]
        )
    assert results["persistence"]["turns"] == 50
    assert results["start_latency"]["sequential"]["n"] == 10
