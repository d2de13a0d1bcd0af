"""The agent and the API reach only what docs/DESIGN.md's package table lets them import
(tests/architecture/boundaries.py holds the rules and the walk)."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.boundaries import RULES, stale_tolerations, violations

ROOT = Path(__file__).resolve().parents[2]
# every package of ours, so an import of any of them is an edge the walk sees
PACKAGES = tuple(sorted(p.parent.name for p in ROOT.glob("*/__init__.py")))


def test_agent_and_api_reach_no_forbidden_module() -> None:
    assert violations(ROOT, PACKAGES) == []


def test_every_tolerated_edge_still_exists() -> None:
    # a tolerated edge that is gone would hide the next one: delete its entry with the fix
    assert stale_tolerations(ROOT, PACKAGES) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_forbidden_import_is_reported_with_its_chain(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "agent/__init__.py": "",
            "agent/bridge.py": "from workflows import interface\nfrom core import names\n",
            "core/__init__.py": "",
            # lazy and relative: still an edge
            "core/names.py": "def load() -> None:\n    from .db import models\n",
            "core/db/__init__.py": "",
            "core/db/models.py": "",
            "workflows/__init__.py": "",
            "workflows/interface.py": "import core.names\n",
            "workflows/session.py": "",
            "api/__init__.py": "",
            "api/routes.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from workflows.session import Workflow\n",
        },
    )
    found = violations(tmp_path, ("agent", "api", "core", "workflows"), tolerated=set())
    assert found == [
        "agent.bridge -> core.names -> core.db",
        "agent.bridge -> core.names -> core.db.models",
        "api.routes -> workflows.session",
    ]


def test_an_allowed_tree_is_clean(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "agent/__init__.py": "from agent import bridge\n",
            "agent/bridge.py": "from workflows.interface import X\nimport json\n",
            "workflows/__init__.py": "",
            "workflows/interface.py": "from core.contracts import conversation\n",
            "core/__init__.py": "",
            "core/contracts/__init__.py": "",
            "core/contracts/conversation.py": "",
        },
    )
    assert violations(tmp_path, ("agent", "core", "workflows"), {"agent": RULES["agent"]}) == []


def test_the_rules_match_the_design_table() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text()
    for package, rule in RULES.items():
        row = next(line for line in design.splitlines() if line.startswith(f"| `{package}/` |"))
        may = row.rsplit("|", 2)[1]
        assert all(f"`{p}`" in may for p in rule.may_import), (package, may)
        assert all(f"`{p}`" in may for p in rule.except_), (package, may)
