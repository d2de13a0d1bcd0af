"""Meaning by example, as the evaluator uses it: a sentence shows a behaviour when it is near
enough to one of the author's examples (`SIMILAR`) and nearer to them than to the near misses
(`MARGIN`). Static embeddings see words, not syntax, so the callers keep every structural check
(form, negation, who said it, in reply to what) and this only says "it is about that".

Thresholds are calibrated on tests/calibration/*.yaml (the main set), never on the holdouts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core.scenarios.schema import Examples
from core.semantic import ExampleSet, similarity

SIMILAR = 0.55  # nearest example at least this close
MARGIN = 0.04  # and this much closer than the nearest near miss
CONTEXT_SIMILAR = 0.45  # a short sentence read with the client turn it answers
SAYS = 0.62  # a client turn is this close to a fact's wording: it discloses the fact


@dataclass(frozen=True)
class Found:
    score: float  # closeness: nearest example minus nearest near miss
    example: str  # the example it is nearest to


@cache
def example_set(meets: tuple[str, ...], misses: tuple[str, ...] = ()) -> ExampleSet:
    return ExampleSet(meets, misses)


def of(examples: Examples) -> ExampleSet:
    return example_set(tuple(examples.meets), tuple(examples.misses))


def find(examples: ExampleSet, text: str, context: str | None = None) -> Found | None:
    """Whether `text` shows what the examples show; `context` (the client turn it answers) is
    read with it when the sentence alone is too short to say ("Do you have a plan?" after "I've
    thought about killing myself")."""
    if not examples.positive:
        return None
    i, near = examples.best_positive(text)
    score = near - examples.nearest_negative(text)
    if near >= SIMILAR and score >= MARGIN:
        return Found(score, examples.positive[i])
    if context and near >= CONTEXT_SIMILAR:
        joined = f"{context} {text}"
        j, near_c = examples.best_positive(joined)
        score_c = near_c - examples.nearest_negative(joined)
        if score_c >= MARGIN and score >= 0:
            return Found(score_c, examples.positive[j])
    return None


def close_to(text: str, wordings: tuple[str, ...] | list[str], threshold: float = SAYS) -> bool:
    return any(similarity(text, w) >= threshold for w in wordings)
