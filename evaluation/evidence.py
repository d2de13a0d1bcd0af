"""Which of a criterion's candidate items count and which are quoted.

What raised a red flag earns nothing: a harmful flag (critical) taints its whole turn, a slip of
technique (advice, a stacked question, a formula) taints the sentence that shows it. A question
whose answer met a harmful turn counts as an answer not taken up. Of what remains, each sentence
is quoted once, best-fitting first (items that answer what the client had just said), and the
few quoted are shown in conversation order."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from core.contracts.evaluation import Evidence

MAX_EVIDENCE = 3
UNUSED_ANSWER = 0.5  # an open question whose answer the trainee never took up

# (turn seq, the flagged sentence) - None for the whole turn
Tainted = AbstractSet[tuple[int, str | None]]


@dataclass(frozen=True)
class Candidate:
    """One piece of positive evidence: the sentence, what it is worth, how well it shows the
    criterion (for choosing which to quote)."""

    seq: int
    quote: str
    weight: float
    fit: float
    answered_by: int | None = None  # for a question: the trainee turn after the client's answer


def is_tainted(c: Candidate, tainted: Tainted) -> bool:
    return bool(tainted & {(c.seq, None), (c.seq, c.quote)})


def _dismissed(c: Candidate, tainted: Tainted) -> Candidate:
    """A question whose answer was met with harm (a dismissal, a lecture) explored nothing the
    trainee then used: it counts as an answer not taken up."""
    if c.answered_by is not None and (c.answered_by, None) in tainted:
        return Candidate(c.seq, c.quote, min(c.weight, UNUSED_ANSWER), c.fit, c.answered_by)
    return c


def creditable(candidates: Sequence[Candidate], tainted: Tainted) -> list[Candidate]:
    return [_dismissed(c, tainted) for c in candidates if not is_tainted(c, tainted)]


def distinct(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per sentence (the one worth most), best-fitting first."""
    best: dict[tuple[int, str], Candidate] = {}
    for c in candidates:
        known = best.get((c.seq, c.quote))
        if known is None or (c.weight, c.fit) > (known.weight, known.fit):
            best[(c.seq, c.quote)] = c
    return sorted(best.values(), key=lambda c: (-c.fit, c.seq))


def quoted(candidates: Sequence[Candidate]) -> list[Evidence]:
    """The best-fitting few of `distinct` candidates, shown in conversation order."""
    chosen = sorted(candidates[:MAX_EVIDENCE], key=lambda c: c.seq)
    return [Evidence(seq=c.seq, quote=c.quote) for c in chosen]


def shortfall(candidates: Sequence[Candidate], tainted: Tainted) -> str:
    """Feedback naming the turns that touched the criterion but raised a red flag, so a trainee
    sees why they did not count."""
    turns = sorted({c.seq for c in candidates if is_tainted(c, tainted)})
    if not turns:
        return ""
    where = ", ".join(f"turn {seq}" for seq in turns[:MAX_EVIDENCE])
    return f" ({where} touched on this but raised a red flag, so it does not count.)"
