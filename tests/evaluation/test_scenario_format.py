"""The built-in scenarios are plain language (format 2): no field of any scenario file is a
regular expression, and the evaluator names no scenario's words - what a scenario is about
lives in the scenario, never in evaluation code. The words checked are drawn from the
scenario files themselves (the people in them, the means they name, the nouns of their
facts), so the list cannot fall behind the scenarios."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from core.scenarios.library import DEFAULT_LIBRARY, load_library
from core.scenarios.parse import parse_file
from core.scenarios.redflag_ids import BUILTIN_RED_FLAG_IDS
from core.scenarios.schema import ScenarioDoc
from core.scenarios.validate import publish_problems
from evaluation.redflag_library import BUILTIN_FLAG_IDS

ROOT = Path(__file__).resolve().parent.parent.parent
FILES = sorted(DEFAULT_LIBRARY.glob("*.yaml"))
# what only a regular expression looks like: escapes, groups, quantifiers, classes, anchors
REGEX = re.compile(
    r"\\[bBwWsSdD]|\(\?|\.\{\d|\{\d+,\d*\}|\.\*|\.\+|\[[a-z]-[a-z]\]|\[\^|\w\|\w|\)\?|^\^|\$$"
)
# words in evaluation code that are counselling language, not a scenario's ("son" of "reason")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# nouns the scenarios' facts turn on, kept if a scenario file uses them (so the list tracks them)
FACT_NOUNS = ("pills", "pre-med", "leaflet", "midterm", "beer", "beers", "drinks", "baby", "son",
              "daughter", "chemistry", "exam", "988", "bass", "electrician", "niece", "liver",
              "divorce", "warehouse", "cabinet", "roommate")  # fmt: skip


def strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from strings(getattr(value, name), f"{path}.{name}".lstrip("."))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}.{i}")
    elif isinstance(value, str):
        yield path, value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_field_of_a_scenario_file_is_a_regex(path: Path) -> None:
    doc = parse_file(path)
    assert doc.format == 2
    regexes = [(where, text) for where, text in strings(doc) if REGEX.search(text)]
    assert regexes == [], regexes
    assert publish_problems(doc) == []


def test_the_regex_check_catches_a_cue() -> None:
    assert REGEX.search(r"\bsuicid\w*")
    assert REGEX.search("plan|method")
    assert not REGEX.search("Are you thinking about suicide? (Ask it plainly.)")


PUBLIC_SERVICES = frozenset({"988", "Crisis", "Line", "Lifeline", "GP"})


def scenario_words(docs: list[ScenarioDoc]) -> set[str]:
    words: set[str] = set()
    text = " ".join(path.read_text(encoding="utf-8") for path in FILES).lower()
    for doc in docs:
        persona = doc.persona
        words.add(persona.name)
        prose = [persona.identity, *(w for f in persona.facts for w in f.says)]
        for sentence in re.split(r"(?<=[.!?])\s+|\n", " ".join(prose)):
            # a capitalised word inside a sentence is a name (Luis, Priya), not a sentence start
            words.update(
                w for w in _WORD.findall(sentence)[1:] if w[0].isupper() and w.split("'")[0] != "I"
            )
        for fact in persona.facts:
            words.update(w for w in _WORD.findall(fact.means) if len(w) > 3)
    words.update(n for n in FACT_NOUNS if re.search(rf"\b{re.escape(n)}\b", text))
    # public crisis services every scenario may name (the 988 Lifeline, a crisis line, a GP):
    # the crisis-safety standards' own words, not a scenario's
    return words - PUBLIC_SERVICES


def test_evaluation_code_names_no_scenario_word() -> None:
    words = scenario_words(load_library())
    assert {"Luis", "Maya", "pills", "midterm"} <= words  # the derivation finds what it must
    found = []
    for path in sorted((ROOT / "evaluation").rglob("*.py")):
        code = path.read_text(encoding="utf-8")
        found += [
            (path.name, w)
            for w in sorted(words)
            if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", code, re.IGNORECASE)
        ]
    assert found == []


def test_the_red_flag_library_and_its_ids_agree() -> None:
    assert BUILTIN_FLAG_IDS == set(BUILTIN_RED_FLAG_IDS)
