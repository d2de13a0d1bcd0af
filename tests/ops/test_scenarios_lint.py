"""`voicetrain scenarios lint FILE...`: exit 0 for publishable files, exit 1 naming every
problem with its field path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from core.scenarios.library import DEFAULT_LIBRARY


def _lint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicetrain", "scenarios", "lint", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_lint_accepts_every_builtin() -> None:
    files = sorted(DEFAULT_LIBRARY.glob("*.yaml"))
    out = _lint(*files)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ok  ") == len(files) == 5


def test_lint_names_every_broken_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((DEFAULT_LIBRARY / "anxious-college-student.yaml").read_text())
    raw["rubric"]["criteria"][0]["weight"] = "heavy"
    raw["unknown_field"] = 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    good = DEFAULT_LIBRARY / "parent-acute-grief.yaml"
    out = _lint(bad, good, tmp_path / "missing.yaml")
    assert out.returncode == 1
    assert "rubric.criteria.0.weight" in out.stderr
    assert "unknown_field" in out.stderr
    assert "missing.yaml" in out.stderr
    assert f"ok  {good}" in out.stdout
