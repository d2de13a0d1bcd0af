"""Meaning by example, as the evaluator uses it: a sentence shows a behaviour when it is near
enough to one of the author's examples (`SIMILAR`) and nearer to them than to the near misses
(`MARGIN`). Static embeddings see words, not syntax, so the callers keep every structural check
(form, negation, who said it, in reply to what) and this only says "it is about that".

Thresholds are calibrated on tests/calibration/*.yaml (the main set), never on the holdouts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from core.scenarios.schema import Examples
from core.semantic import ExampleSet, similarity
from evaluation.text import content_stems

SIMILAR = 0.6  # nearest example at least this close (0.5 let a set-6 gaming file pass)
MARGIN = 0.04  # and this much closer than the nearest near miss
FLAG_SIMILAR = 0.7  # a red flag (or a disclosure that can raise one) needs a near match
RIVAL = 0.1  # another aspect of the rubric this much nearer takes the sentence
SAYS = 0.62  # a client turn is this close to a fact's wording: it discloses the fact
_CLAUSE = re.compile(r"\s*(?:[,;:]|\s[-–—]\s|\band\b|\bbut\b|\bso\b)\s*", re.I)


@dataclass(frozen=True)
class Found:
    near: float  # similarity to the nearest example
    score: float  # closeness: nearest example minus nearest near miss
    example: str  # the example it is nearest to


@cache
def example_set(meets: tuple[str, ...], misses: tuple[str, ...] = ()) -> ExampleSet:
    return ExampleSet(meets, misses)


def of(examples: Examples) -> ExampleSet:
    return example_set(tuple(examples.meets), tuple(examples.misses))


def units(text: str) -> list[str]:
    """The sentence and, for a long one, its clauses: one clause of a long sentence can show a
    behaviour that the whole, averaged, hides."""
    parts = [p for p in _CLAUSE.split(text) if len(p.split()) >= 3]
    return [text, *parts] if len(parts) > 1 else [text]


def nearest(examples: ExampleSet, text: str) -> tuple[float, float, str]:
    """(similarity to the nearest example, closeness, that example) over the text's units."""
    best = (-1.0, -1.0, "")
    for unit in units(text):
        i, near = examples.best_positive(unit)
        if near > best[0]:
            best = (near, near - examples.nearest_negative(unit), examples.positive[i])
    return best


def find(examples: ExampleSet, text: str, context: str | None = None) -> Found | None:
    """Whether `text` shows what the examples show. A sentence near an example but nearer a
    near miss may be read with `context` (the client turn it answers): "Do you have a plan?"
    after "I've thought about killing myself" is not a question about the weekend."""
    if not examples.positive:
        return None
    near, score, example = nearest(examples, text)
    if near < SIMILAR:
        return _said_alike(examples, text)
    if score >= MARGIN:
        return Found(near, score, example)
    if context:
        joined = f"{context} {text}"
        score_c = examples.closeness(joined)
        if score_c >= MARGIN:
            return Found(near, score_c, example)
    return None


@dataclass(frozen=True)
class Language:
    """One family of generic language (evaluation/language.yaml): examples, and optional regex
    hints that add precision for unmistakable phrasings."""

    examples: ExampleSet
    hints: tuple[re.Pattern[str], ...]
    disclosure: bool  # what a client says (risk, means), not what a trainee says


def _language() -> dict[str, Language]:
    raw = yaml.safe_load((Path(__file__).parent / "language.yaml").read_text("utf-8"))
    return {
        kind: Language(
            example_set(tuple(body["meets"]), tuple(body.get("misses", ()))),
            tuple(re.compile(h, re.I) for h in body.get("hints", ())),
            disclosure=kind in ("risk", "means"),
        )
        for kind, body in raw.items()
    }


LANGUAGE: dict[str, Language] = _language()
FILLER = LANGUAGE["filler"].examples


def unnamed(text: str, names: Sequence[str]) -> str:
    """Without the name the trainee addresses the client by: to a static embedding a name is
    noise, and "Welcome, Kim." is "Welcome."."""
    for name in names:
        n = re.escape(name)
        text = re.sub(rf"^{n},\s*|,\s*{n}(?=\W*$)|,\s*{n}(?=,)", "", text)
        text = re.sub(rf"\b(hi|hello|hey|thanks|thank you)\s+{n}\b", r"\1", text, flags=re.I)
    return text.strip() or text


def flagged(examples: ExampleSet, text: str) -> bool:
    """A red flag by example: the whole sentence is very near an example and nearer to the
    examples than to the near misses (a flag costs the session; it needs to be clear)."""
    near = examples.nearest_positive(text)
    return near >= FLAG_SIMILAR and near - examples.nearest_negative(text) >= MARGIN


def rivalled(found: Found, text: str, rivals: Sequence[ExampleSet]) -> bool:
    """Another aspect's examples are clearly nearer: every aspect's examples are the others'
    near misses ("Are you thinking about suicide?" asks about suicide, not past attempts)."""
    return any(nearest(r, text)[0] > found.near + RIVAL for r in rivals) or (
        FILLER.nearest_positive(text) >= found.near
    )


def close_to(text: str, wordings: tuple[str, ...] | list[str], threshold: float = SAYS) -> bool:
    return any(similarity(text, w) >= threshold for w in wordings)


LEXICAL_FLOOR = 0.3
LEXICAL_SHARE = 0.5


def _said_alike(examples: ExampleSet, text: str) -> Found | None:
    """An example said in other words that static embeddings rate low: the sentence shares at
    least two content words and half of the example's own, and is still nearer the examples than
    the near misses."""
    mine = content_stems(text)
    for i, example in enumerate(examples.positive):
        theirs = content_stems(example)
        shared = mine & theirs
        if len(shared) >= 2 and len(shared) >= LEXICAL_SHARE * len(theirs):
            score = examples.closeness(text)
            near = examples.best_positive(text)[1]
            if score >= MARGIN and near >= LEXICAL_FLOOR:
                return Found(near, score, examples.positive[i])
    return None
