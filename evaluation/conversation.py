"""The conversation as the evaluator reads it: trainee turns with the client turn they answer
and the client turn that answers them, what the client disclosed and where, and how engaged the
client was over the session (replies that open up vs curt, withdrawn ones)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.contracts.conversation import Turn
from evaluation.text import compile_all, content_stems, first_match, sentences, words

# Built-in cue families for client disclosures; a rubric may add cues per kind.
DISCLOSURES: dict[str, tuple[str, ...]] = {
    "risk": (
        r"\b(kill(ing)?|hurt(ing)?|harm(ing)?) myself\b",
        r"\bsuicid",
        r"\bend(ing)? (it|it all|my life|things)\b",
        r"\b(better off|easier) (without me|if i (wasn't|weren't|was not|just|didn't))",
        r"\b(not|never) (to )?wake up\b|\bdidn't wake up\b",
        r"\b(want|wanted|wish|wished|wishing) (to|i (could|was|were)) (die|be dead|be gone|disappear|"
        r"not be here|be with (him|her|them))",
        r"\bbe with (him|her)( again)?\b|\bgo where (he|she) is\b",
        r"\b(rather|better) (be )?(dead|gone)\b|\bwish i (was|were) (dead|gone)\b",
        r"\b(no|not any) (point|reason) (in |to )?(living|going on|being here|carrying on)",
        r"\bcan't (go on|do this anymore|keep going)\b",
        r"\b(don't|do not) want to (be here|live|be alive|exist)\b",
        r"\b(take|taking) my (own )?life\b",
        r"\bdisappear(ed)? (forever|for good)\b",
    ),
    "means": (
        r"\bpills?\b|\btablets\b|\bsleeping (pills|tablets|meds)\b|\bmedication\b|\bprescription\b",
        r"\bgun\b|\bfirearm|\brifle\b|\bpistol\b|\bshotgun\b",
        r"\brope\b|\bbridge\b|\bknife\b|\bblades?\b|\bcar (in the|running)\b",
    ),
}

_WITHDRAWN = re.compile(
    r"^\W*(yeah|yes|no|ok(ay)?|sure|fine|maybe|right|whatever|mhm+|mm+|if you say so|i don't know"
    r"|dunno|i guess( so)?|i suppose|probably|sometimes|not really|some)\W*$|\bi guess\b|"
    r"\bi suppose\b|\bwhatever\b|\bcan i go\b|\bwe're done\b|\bi should go\b|\bcan we (just )?stop"
    r"\b|\bplease don't\b|\bdon't say that\b|\byou don't (know|understand|get it)\b|"
    r"\bthat's (not|what i said)\b|\bi don't want to hear\b|\bthis is (exactly )?what i expected\b",
    re.I,
)
_OPENING = re.compile(
    r"\b(i feel|i felt|i've never|i haven't told|never told|honestly|actually|i thought|i keep|"
    r"i'm scared|afraid|relief|lighter|that's it|exactly|i didn't (think|realise|realize)|"
    r"i'd like that|i could|maybe i|i want to|i'm worried|it helps|i do care|that one stung|"
    r"i swore)\b",
    re.I,
)


@dataclass(frozen=True)
class Exchange:
    """A trainee turn in context."""

    turn: Turn
    index: int  # position among trainee turns
    before: Turn | None  # the client turn this answers (the latest client turn before it)
    after: Turn | None  # the client's reply (the next client turn)


@dataclass(frozen=True)
class Disclosure:
    kind: str
    turn: Turn
    quote: str  # the sentence of the client turn that discloses


@dataclass
class Engagement:
    score: float  # 0 (withdrawn throughout) .. 1 (opening up throughout)
    trend: float  # later replies minus earlier ones, -1..1
    withdrawn_replies: int
    opening_replies: int
    replies: int
    by_seq: dict[int, float] = field(default_factory=dict)


@dataclass
class Conversation:
    turns: list[Turn]
    exchanges: list[Exchange]
    disclosures: list[Disclosure]
    engagement: Engagement

    @property
    def trainee(self) -> list[Turn]:
        return [e.turn for e in self.exchanges]

    def disclosed_before(self, kind: str, seq: int) -> bool:
        return any(d.kind == kind and d.turn.seq < seq for d in self.disclosures)

    def client_before(self, seq: int) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "client" and t.seq < seq]


def reply_quality(text: str) -> float:
    """1 = opens up, 0.5 = neutral, 0 = withdraws."""
    n = len(words(text))
    if _WITHDRAWN.search(text) and n <= 12:
        return 0.0
    if n >= 18 or (_OPENING.search(text) and n >= 6):
        return 1.0
    return 0.5 if n >= 5 else 0.25


def _engagement(exchanges: list[Exchange]) -> Engagement:
    replies = [e.after for e in exchanges if e.after is not None]
    unique = list({t.seq: t for t in replies}.values())
    qualities = {t.seq: reply_quality(t.text) for t in unique}
    values = list(qualities.values())
    if not values:
        return Engagement(0.5, 0.0, 0, 0, 0)
    third = max(1, len(values) // 3)
    trend = sum(values[-third:]) / third - sum(values[:third]) / third
    return Engagement(
        score=round(sum(values) / len(values), 3),
        trend=round(trend, 3),
        withdrawn_replies=sum(1 for v in values if v == 0.0),
        opening_replies=sum(1 for v in values if v == 1.0),
        replies=len(values),
        by_seq=qualities,
    )


def read_conversation(
    turns: Sequence[Turn], extra_disclosures: Mapping[str, list[str]] | None = None
) -> Conversation:
    ordered = sorted(turns, key=lambda t: t.seq)
    exchanges: list[Exchange] = []
    last_client: Turn | None = None
    for i, turn in enumerate(ordered):
        if turn.speaker == "client":
            last_client = turn
            continue
        after = next((t for t in ordered[i + 1 :] if t.speaker == "client"), None)
        exchanges.append(Exchange(turn, len(exchanges), last_client, after))
    families = {k: list(v) for k, v in DISCLOSURES.items()}
    for kind, cues in (extra_disclosures or {}).items():
        families.setdefault(kind, []).extend(cues)
    compiled = {k: compile_all(v) for k, v in families.items()}
    disclosures = []
    for turn in ordered:
        if turn.speaker != "client":
            continue
        for kind, patterns in compiled.items():
            for sentence in sentences(turn.text):
                if first_match(patterns, sentence.text) and not _denied(sentence.text):
                    disclosures.append(Disclosure(kind, turn, sentence.text))
                    break
    return Conversation(ordered, exchanges, disclosures, _engagement(exchanges))


_DENIAL = re.compile(r"^\W*(no|never|nope)\b[^.]*$|\b(no|not|never) (guns?|pills|weapons?)\b", re.I)


def _denied(sentence: str) -> bool:
    """'No guns.' is an answer, not a disclosure of means."""
    return bool(_DENIAL.search(sentence))


def overlap(text: str, source: str) -> set[str]:
    return content_stems(text) & content_stems(source)
