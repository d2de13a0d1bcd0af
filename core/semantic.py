"""Meaning by example: small static sentence embeddings (WordLlama, MIT, weights inside the
wheel, numpy only at run time) shared by the evaluator and the offline persona.

A scenario author describes a behaviour with a few utterances that show it and a few near
misses; `ExampleSet.closeness` says how much closer a sentence is to the first than to the
second. Static embeddings see vocabulary, not syntax ("killing time" is near "killing
yourself"), so callers combine this with structure (who said it, in reply to what, its form,
negation) and never use it alone for a critical decision.

Deterministic: the same text always gives the same vector (no sampling, no network; the model
is loaded from the installed package, never downloaded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@cache
def _model() -> Any:
    import wordllama  # imported lazily: ~0.5 s, only in processes that read meaning

    package = Path(wordllama.__file__).parent
    return wordllama.WordLlama.load(cache_dir=package, disable_download=True)


@lru_cache(maxsize=16384)
def _embed_one(text: str) -> Vector:
    vector: Vector = np.asarray(_model().embed([text], norm=True)[0], dtype=np.float32)
    return vector


def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit vectors, one row per text (cached per text: rubric examples are embedded once)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    return np.stack([_embed_one(t) for t in texts])


def similarity(a: str, b: str) -> float:
    return float(_embed_one(a) @ _embed_one(b))


@dataclass(frozen=True)
class ExampleSet:
    """Utterances that show a behaviour (`positive`) and near misses that do not (`negative`)."""

    positive: tuple[str, ...]
    negative: tuple[str, ...] = ()
    _pos: npt.NDArray[np.float32] = field(init=False, repr=False, compare=False)
    _neg: npt.NDArray[np.float32] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pos", embed(self.positive))
        object.__setattr__(self, "_neg", embed(self.negative))

    def nearest_positive(self, text: str) -> float:
        if not self.positive:
            return 0.0
        return float(np.max(self._pos @ _embed_one(text)))

    def nearest_negative(self, text: str) -> float:
        if not self.negative:
            return 0.0
        return float(np.max(self._neg @ _embed_one(text)))

    def best_positive(self, text: str) -> tuple[int, float]:
        """The index of the nearest positive example and its similarity ((-1, 0) if none)."""
        if not self.positive:
            return -1, 0.0
        sims = self._pos @ _embed_one(text)
        i = int(np.argmax(sims))
        return i, float(sims[i])

    def closeness(self, text: str) -> float:
        """Similarity to the nearest positive example minus that to the nearest near miss."""
        return self.nearest_positive(text) - self.nearest_negative(text)
