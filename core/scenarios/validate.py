"""What a draft scenario still lacks before it can be published. A draft parses whenever its
fields have the right shapes (schema.py); publishing needs a scenario a trainee can practise
with and the evaluator can score: a persona with an opening line and facts, criteria described
in words with enough examples to recognise them, and every id it refers to defined."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from core.scenarios.redflag_ids import BUILTIN_RED_FLAG_IDS
from core.scenarios.schema import FactKind, ScenarioDoc

MIN_MEETS = 2  # examples per aspect: one example is a phrase, two begin to show a behaviour
MIN_MISSES_FLAG = 1
FACT_KINDS: frozenset[str] = frozenset(get_args(FactKind))
# kinds the evaluator can recognise in any client turn (the library's crisis language),
# whether or not the persona has a fact of that kind
GENERIC_KINDS = frozenset({"risk", "means"})


@dataclass(frozen=True)
class Problem:
    path: str  # the field, as in "rubric.criteria.1.aspects.0.examples.meets"
    message: str

    def __str__(self) -> str:
        return f"field '{self.path}': {self.message}"


def _dupes(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _required(doc: ScenarioDoc) -> list[Problem]:
    problems = []
    for path, value in (
        ("title", doc.title),
        ("summary", doc.summary),
        ("briefing", doc.briefing),
        ("persona.name", doc.persona.name),
        ("persona.identity", doc.persona.identity),
        ("persona.opening_line", doc.persona.opening_line),
    ):
        if not value:
            problems.append(Problem(path, "is empty"))
    return problems


def _persona(doc: ScenarioDoc) -> list[Problem]:
    facts = doc.persona.facts
    problems = []
    if not facts:
        problems.append(Problem("persona.facts", "the client needs at least one fact to disclose"))
    ids = {f.id for f in facts}
    for dupe in _dupes(f.id for f in facts):
        problems.append(Problem("persona.facts", f"fact id {dupe!r} is used twice"))
    for i, fact in enumerate(facts):
        where = f"persona.facts.{i}"
        if not fact.says:
            problems.append(Problem(f"{where}.says", "what the client says is empty"))
        if not fact.asks:
            problems.append(Problem(f"{where}.asks", "no example of a turn that reaches it"))
        for j, after in enumerate(fact.after):
            if after not in ids or after == fact.id:
                problems.append(Problem(f"{where}.after.{j}", f"no other fact {after!r}"))
        if fact.kind == "means" and not fact.means:
            problems.append(Problem(f"{where}.means", "a means fact names the means"))
    for j, after in enumerate(doc.persona.ending.after):
        if after not in ids:
            problems.append(Problem(f"persona.ending.after.{j}", f"no fact {after!r}"))
    return problems


def _disclosure(doc: ScenarioDoc, value: str | None, path: str) -> list[Problem]:
    """`after` names a fact id, or a kind some fact has (risk and means are also recognised
    from crisis language alone)."""
    if value is None:
        return []
    facts = doc.persona.facts
    if value in {f.id for f in facts} or value in GENERIC_KINDS:
        return []
    if value in FACT_KINDS and any(f.kind == value for f in facts):
        return []
    return [Problem(path, f"{value!r} is neither a fact id nor the kind of a fact")]


def _criteria(doc: ScenarioDoc, flag_ids: set[str]) -> list[Problem]:
    criteria = doc.rubric.criteria
    if not criteria:
        return [Problem("rubric", "the rubric has no criteria")]
    problems = [
        Problem("rubric.criteria", f"id {d!r} is used twice")
        for d in _dupes(c.id for c in criteria)
    ]
    for i, c in enumerate(criteria):
        where = f"rubric.criteria.{i}"
        for name in ("title", "description", "evidence"):
            if not getattr(c, name):
                problems.append(Problem(f"{where}.{name}", "is empty"))
        for name in ("met", "partly", "not_met"):
            if not getattr(c.feedback, name):
                problems.append(Problem(f"{where}.feedback.{name}", "is empty"))
        if not c.aspects and not c.skills:
            problems.append(Problem(where, "needs aspects or skills to find evidence"))
        if c.partly_at > c.met_at:
            problems.append(Problem(f"{where}.partly_at", "must not exceed met_at"))
        for j, a in enumerate(c.aspects):
            if len(a.examples.meets) < MIN_MEETS:
                problems.append(
                    Problem(f"{where}.aspects.{j}.examples.meets", f"needs {MIN_MEETS}+ examples")
                )
            problems += _disclosure(doc, a.after, f"{where}.aspects.{j}.after")
        for j, f in enumerate(c.follow_up):
            if not f.examples.meets:
                problems.append(Problem(f"{where}.follow_up.{j}.examples.meets", "is empty"))
            problems += _disclosure(doc, f.after, f"{where}.follow_up.{j}.after")
        if c.better_alternative is not None:
            problems += _disclosure(
                doc, c.better_alternative.after, f"{where}.better_alternative.after"
            )
        for j, flag in enumerate(c.spoiled_by):
            if flag not in flag_ids:
                problems.append(Problem(f"{where}.spoiled_by.{j}", f"no red flag {flag!r}"))
    return problems


def _red_flags(doc: ScenarioDoc) -> list[Problem]:
    rubric = doc.rubric
    problems = []  # an unknown library id never parses (schema.RubricDef)
    ids = [*rubric.red_flags, *(f.id for f in rubric.custom_red_flags)]
    problems += [Problem("rubric", f"red flag {d!r} is listed twice") for d in _dupes(ids)]
    for j, custom in enumerate(rubric.custom_red_flags):
        where = f"rubric.custom_red_flags.{j}"
        if custom.id in BUILTIN_RED_FLAG_IDS:
            problems.append(Problem(f"{where}.id", f"{custom.id!r} is a built-in red flag"))
        for name in ("title", "why"):
            if not getattr(custom, name):
                problems.append(Problem(f"{where}.{name}", "is empty"))
        if len(custom.examples.meets) < MIN_MEETS:
            problems.append(Problem(f"{where}.examples.meets", f"needs {MIN_MEETS}+ examples"))
        if len(custom.examples.misses) < MIN_MISSES_FLAG:
            problems.append(Problem(f"{where}.examples.misses", "needs a near miss"))
        problems += _disclosure(doc, custom.after, f"{where}.after")
    return problems


def publish_problems(doc: ScenarioDoc) -> list[Problem]:
    """Everything that stops `doc` being published; empty when it is ready."""
    flag_ids = {*doc.rubric.red_flags, *(f.id for f in doc.rubric.custom_red_flags)}
    return [*_required(doc), *_persona(doc), *_criteria(doc, flag_ids), *_red_flags(doc)]
