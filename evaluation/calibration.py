"""Agreement between an evaluator and expert labels over a set of transcript files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from core.contracts import Evaluation
from evaluation.labelled import TranscriptFile

SEPARATION = 10.0
_ORDER = {"not_met": 0, "partly": 1, "met": 2}


@dataclass(frozen=True)
class Scored:
    name: str
    labels: TranscriptFile
    evaluation: Evaluation


@dataclass
class Agreement:
    files: int
    pairs: int
    pairs_right: int
    pass_labelled: int
    pass_agree: int
    criteria_labelled: int
    criteria_agree: int
    mae: float | None
    bad_passes: list[str] = field(default_factory=list)  # harmful/gaming files that passed
    misranked: list[tuple[str, str]] = field(default_factory=list)
    pass_disagreements: list[str] = field(default_factory=list)
    # criterion id -> (rated above the expert, rated below): over- and under-crediting
    criterion_misses: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ranking(self) -> float | None:
        return self.pairs_right / self.pairs if self.pairs else None

    @property
    def pass_agreement(self) -> float | None:
        return self.pass_agree / self.pass_labelled if self.pass_labelled else None

    @property
    def criterion_agreement(self) -> float | None:
        return self.criteria_agree / self.criteria_labelled if self.criteria_labelled else None


def agreement(scored: Sequence[Scored]) -> Agreement:
    with_score = [s for s in scored if s.labels.expert_score is not None]
    pairs = right = 0
    misranked = []
    for a, b in combinations(with_score, 2):
        ea, eb = a.labels.expert_score, b.labels.expert_score
        assert ea is not None
        assert eb is not None
        if abs(ea - eb) < SEPARATION:
            continue
        pairs += 1
        hi, lo = (a, b) if ea > eb else (b, a)
        if hi.evaluation.overall_score > lo.evaluation.overall_score:
            right += 1
        else:
            misranked.append((hi.name, lo.name))
    passed = [s for s in scored if s.labels.expert_passed is not None]
    disagreements = [s.name for s in passed if s.evaluation.passed != s.labels.expert_passed]
    crit_total = crit_agree = 0
    misses: dict[str, tuple[int, int]] = {}
    for s in scored:
        ratings = {c.id: c.rating for c in s.evaluation.criteria}
        for cid, label in s.labels.criteria.items():
            if cid in ratings:
                crit_total += 1
                crit_agree += ratings[cid] == label
                over, under = misses.get(cid, (0, 0))
                diff = _ORDER[ratings[cid]] - _ORDER[label]
                if diff:
                    misses[cid] = (over + (diff > 0), under + (diff < 0))
    errors = [
        abs(s.evaluation.overall_score - s.labels.expert_score)
        for s in with_score
        if s.labels.expert_score is not None
    ]
    return Agreement(
        files=len(scored),
        pairs=pairs,
        pairs_right=right,
        pass_labelled=len(passed),
        pass_agree=len(passed) - len(disagreements),
        criteria_labelled=crit_total,
        criteria_agree=crit_agree,
        mae=round(sum(errors) / len(errors), 1) if errors else None,
        bad_passes=[
            s.name for s in scored if s.labels.kind in ("harmful", "gaming") and s.evaluation.passed
        ],
        misranked=misranked,
        pass_disagreements=disagreements,
        criterion_misses=dict(sorted(misses.items(), key=lambda kv: -sum(kv[1]))),
    )
