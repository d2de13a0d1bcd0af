"""Which of our packages each process may reach, and the checker that walks the imports.

RULES is docs/DESIGN.md's "may import" column for the processes that must stay light: every
module of the package, and everything it reaches transitively, must lie in the package itself or
in what it may import. The walk is static (`ast`), over every import statement of a module,
including those inside functions and `TYPE_CHECKING` blocks: a lazy import runs in the same
process as soon as its code path does (agent/bridge.py once reached the workflow implementation
that way), and an import-and-inspect-`sys.modules` check would not see it. We have no
`importlib.import_module` of our own modules, the one thing a static walk would miss."""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    may_import: tuple[str, ...]
    except_: tuple[str, ...] = ()


RULES: dict[str, Rule] = {
    # the agent process: no database layer, no activities, no scoring engine, no workflow code
    "agent": Rule(may_import=("core", "persona", "workflows.interface"), except_=("core.db",)),
    # the API: maps HTTP to the workflow's messages and to database reads, nothing else
    "api": Rule(may_import=("core", "workflows.interface")),
}

# Edges tolerated for now (importer, and the package it may reach), each with the reason and what
# removes it; the test fails when one no longer exists, so the entry is deleted with the fix.
TOLERATED: dict[tuple[str, str], str] = {}


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _allowed(target: str, source: str, rule: Rule) -> bool:
    if _within(target, rule.except_):
        return False
    # importing workflows.interface also runs the package above it, workflows/__init__.py
    above = any(target in _parents(p) for p in rule.may_import)
    return above or _within(target, (source, *rule.may_import))


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


class ImportGraph:
    """The import edges between the modules of our packages under `root`."""

    def __init__(self, root: Path, packages: tuple[str, ...]) -> None:
        self.files: dict[str, Path] = {}
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                parts = path.relative_to(root).with_suffix("").parts
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                self.files[".".join(parts)] = path
        self._edges: dict[str, set[str]] = {}

    def _ours(self, name: str) -> list[str]:
        """`name` and the packages above it that are our modules (importing a.b runs a too)."""
        return [m for m in _parents(name) if m in self.files]

    def imports_of(self, module: str) -> set[str]:
        if module in self._edges:
            return self._edges[module]
        path = self.files[module]
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.update(self._ours(alias.name))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                found.update(self._ours(base))
                for alias in node.names:
                    found.update(self._ours(f"{base}.{alias.name}"))
        found.discard(module)
        self._edges[module] = found
        return found

    def reach(self, start: str, skip: set[tuple[str, str]]) -> dict[str, str | None]:
        """Every module `start` reaches, each with the module that imported it (for the chain)."""
        seen: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for target in sorted(self.imports_of(current)):
                if target not in seen and not _tolerated(current, target, skip):
                    seen[target] = current
                    queue.append(target)
        return seen


def _tolerated(importer: str, target: str, skip: set[tuple[str, str]]) -> bool:
    return any(importer == a and _within(target, (b,)) for a, b in skip)


def _chain(seen: dict[str, str | None], end: str) -> str:
    links = [end]
    while (before := seen[links[-1]]) is not None:
        links.append(before)
    return " -> ".join(reversed(links))


def violations(
    root: Path,
    packages: tuple[str, ...],
    rules: dict[str, Rule] = RULES,
    tolerated: set[tuple[str, str]] | None = None,
) -> list[str]:
    """One line per package and forbidden module it reaches, with an import chain that does."""
    graph = ImportGraph(root, packages)
    skip = set(TOLERATED) if tolerated is None else tolerated
    found: dict[tuple[str, str], str] = {}
    for source, rule in rules.items():
        for module in sorted(m for m in graph.files if _within(m, (source,))):
            seen = graph.reach(module, skip)
            for target in sorted(seen):
                if not _allowed(target, source, rule):
                    found.setdefault((source, target), _chain(seen, target))
    return list(found.values())


def stale_tolerations(root: Path, packages: tuple[str, ...]) -> list[tuple[str, str]]:
    """The TOLERATED entries whose import no longer exists."""
    graph = ImportGraph(root, packages)
    return [(a, b) for a, b in TOLERATED if not any(_within(t, (b,)) for t in graph.imports_of(a))]
