"""Set 7 wording check (stdlib + PyYAML only).

Fails (exit 1) when a lower-cased word 5-gram of a trainee turn is shared
  * between trainee turns of two different set7 files, or
  * between a set7 trainee turn and any trainee turn in the other calibration
    sets (every other *.yaml under tests/calibration/).
The other sets are read only by this script: for an outside collision it prints
the set7 file and the shared 5-gram (words the set7 author wrote), never the
other file's name or text.

Usage: python tests/calibration/set7/ngram_check.py
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

N = 5
HERE = Path(__file__).resolve().parent
CALIBRATION = HERE.parent
WORD = re.compile(r"[a-z0-9']+")


def trainee_ngrams(path: Path) -> set[tuple[str, ...]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    grams: set[tuple[str, ...]] = set()
    if not isinstance(data, dict):
        return grams
    for turn in data.get("turns") or []:
        if not isinstance(turn, (list, tuple)) or len(turn) != 2 or turn[0] != "trainee":
            continue
        words = [w.strip("'") for w in WORD.findall(str(turn[1]).lower())]
        words = [w for w in words if w]
        for i in range(len(words) - N + 1):
            grams.add(tuple(words[i : i + N]))
    return grams


def main() -> int:
    own = {p.name: trainee_ngrams(p) for p in sorted(HERE.glob("*.yaml"))}
    outside: set[tuple[str, ...]] = set()
    for p in sorted(CALIBRATION.rglob("*.yaml")):
        if HERE in p.resolve().parents:
            continue
        outside |= trainee_ngrams(p)

    problems = 0
    where: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name, grams in own.items():
        for g in grams:
            where[g].append(name)
    for g, names in sorted(where.items()):
        if len(names) > 1:
            problems += 1
            sys.stdout.write(f"set7 files {', '.join(sorted(names))} share: {' '.join(g)}\n")
    for name, grams in own.items():
        for g in sorted(grams & outside):
            problems += 1
            sys.stdout.write(f"{name} shares with another calibration set: {' '.join(g)}\n")
    sys.stdout.write(f"{len(own)} set7 files, {problems} shared 5-grams\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
