"""The crisis-safety layer: for any conversation whose client gives warning signs (and every
scenario declaring `risk_profile: suicide`), the required steps of a suicide-risk conversation
checked in order, and the critical harmful acts, each with its quote, why (cited) and a better
alternative. Pure and deterministic, like the rest of evaluation/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contracts.conversation import Turn
from core.contracts.evaluation import CrisisAssessment, RedFlag
from evaluation.crisis.acts import assesses
from evaluation.crisis.flags import CRISIS_FLAG_IDS, CRISIS_FLAGS, CrisisFlagDef
from evaluation.crisis.harms import CrisisHit, detect_harms
from evaluation.crisis.reading import CrisisProfile, CrisisReading, crisis_profile, read_crisis
from evaluation.crisis.steps import check_steps

__all__ = [
    "CRISIS_FLAGS",
    "CRISIS_FLAG_IDS",
    "CrisisFlagDef",
    "CrisisProfile",
    "CrisisResult",
    "assess_crisis",
    "crisis_profile",
]


@dataclass(frozen=True)
class CrisisResult:
    assessment: CrisisAssessment | None = None
    hits: list[CrisisHit] = field(default_factory=list)
    took_up: frozenset[int] = frozenset()  # trainee turns that assess or manage the risk
    warning_signs: tuple[tuple[int, str], ...] = ()  # (client turn, sentence) of each sign

    def steps_done(self) -> dict[str, tuple[int, str]]:
        """Each step the assessment found done: (turn, the sentence that did it)."""
        if self.assessment is None:
            return {}
        return {
            s.id: (s.seq, s.quote)
            for s in self.assessment.steps
            if s.done and s.seq is not None and s.quote is not None
        }

    def red_flags(self) -> list[RedFlag]:
        return [
            RedFlag(id=h.flag.id, title=h.flag.title, critical=True, seq=h.seq, quote=h.quote,
                    why=h.flag.why, better_alternative=h.flag.better)
            for h in self.hits
        ]  # fmt: skip


def assess_crisis(turns: Sequence[Turn], profile: CrisisProfile) -> CrisisResult:
    reading = read_crisis(turns, profile)
    if not reading.warning_signs and not reading.means and profile.risk_profile != "suicide":
        return CrisisResult()
    assessment = check_steps(reading)
    hits = detect_harms(reading, assessment)
    if not reading.warning_signs and profile.risk_profile != "suicide":
        return CrisisResult(None, hits)  # a lethal means named outside a crisis: its use only
    signs = tuple((s.seq, s.text) for s in reading.warning_signs)
    return CrisisResult(assessment, hits, _assessing_turns(reading), signs)


def _assessing_turns(reading: CrisisReading) -> frozenset[int]:
    """Every trainee turn after the first warning sign that does a step of the assessment, not
    only the first turn of each step: a second question about means, intent, history or the
    people who hold the client takes the risk up as much as the first one did."""
    start = reading.first_warning.seq if reading.first_warning else -1
    return frozenset(s.seq for s in reading.trainee() if s.seq > start and assesses(s, reading))
