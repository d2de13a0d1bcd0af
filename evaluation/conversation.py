"""The conversation as the evaluator reads it: trainee turns with the client turn they answer
and the client turn that answers them, what the client disclosed and where, and how engaged the
client was over the session (replies that open up vs curt, withdrawn ones).

A client turn discloses a persona fact when it is close to one of the fact's wordings (`says`);
it discloses `risk` or `means` also when it speaks the library's generic crisis language, so an
LLM client that says it in its own words is still heard."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contracts.conversation import Turn
from core.scenarios.schema import PersonaFact
from core.semantic import similarity
from evaluation.crisis.vocabulary import MEANS_WORDS, means_pattern, means_terms
from evaluation.meaning import LANGUAGE, SAYS, flagged
from evaluation.text import content_stems, first_match, sentences, words

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
    fact: str | None = None  # the persona fact, when it is one


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
    names: tuple[str, ...] = ()  # the client's and the people's they speak of
    # risk facts, and a means fact that is the persona's only one: id -> kind. Told in the
    # client's own words (not the persona's), its kind heard is the fact disclosed.
    sole: dict[str, str] = field(default_factory=dict)
    # the client turns the crisis layer heard a warning sign in: risk is out from then on (an
    # aspect that waits for it counts), whatever the words; they are not disclosures to answer
    # here (the crisis layer judges what the trainee did with them)
    risk_signs: tuple[int, ...] = ()

    @property
    def trainee(self) -> list[Turn]:
        return [e.turn for e in self.exchanges]

    def _is(self, d: Disclosure, what: str) -> bool:
        return what in (d.kind, d.fact) or (d.fact is None and self.sole.get(what) == d.kind)

    def disclosed_before(self, what: str, seq: int) -> bool:
        """Whether fact id or kind `what` was disclosed before turn `seq`."""
        if "risk" in (what, self.sole.get(what)) and any(s < seq for s in self.risk_signs):
            return True
        return any(self._is(d, what) and d.turn.seq < seq for d in self.disclosures)

    def first_disclosure(self, what: str) -> Disclosure | None:
        return next((d for d in self.disclosures if self._is(d, what)), None)

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


def _fact_disclosures(turn: Turn, facts: Sequence[PersonaFact]) -> list[Disclosure]:
    found = []
    said = sentences(turn.text)
    for fact in facts:
        wordings = fact.says
        if not wordings or not said:
            continue
        near = max(similarity(turn.text, w) for w in wordings)
        if near < SAYS:
            continue
        quote = max(said, key=lambda s: max(similarity(s.text, w) for w in wordings))
        found.append(Disclosure(fact.kind, turn, quote.text, fact.id))
    return found


def _crisis_disclosures(
    turn: Turn, known: set[str], means: re.Pattern[str] | None
) -> list[Disclosure]:
    found = []
    for kind, language in LANGUAGE.items():
        if kind in known or not language.disclosure:
            continue
        for s in sentences(turn.text):
            # a disclosure can raise a critical flag: by example it needs a near match; a means
            # is also heard when the client names it ("my .45", the scenario's own words)
            heard = first_match(language.hints, s.text) or flagged(language.examples, s.text)
            heard = heard or (kind == "means" and means is not None and bool(means.search(s.text)))
            if heard and not _denied(s.text):
                found.append(Disclosure(kind, turn, s.text))
                break
    return found


_NAME = re.compile(r"\b([A-Z][a-z]{2,})\b")


def proper_names(facts: Sequence[PersonaFact]) -> set[str]:
    """Capitalised words inside the facts' sentences (not a sentence's first word)."""
    names: set[str] = set()
    for fact in facts:
        for wording in fact.says:
            for s in sentences(wording):
                names.update(m.group(1) for m in _NAME.finditer(s.text) if m.start() > 0)
    return names


def read_conversation(
    turns: Sequence[Turn],
    facts: Sequence[PersonaFact] = (),
    client_name: str = "",
    risk_said: Sequence[tuple[int, str]] = (),
) -> Conversation:
    """`risk_said`: the crisis layer's warning signs (client turn, sentence), the owner of "the
    client disclosed risk": what waits for a risk disclosure counts after them."""
    ordered = sorted(turns, key=lambda t: t.seq)
    exchanges: list[Exchange] = []
    last_client: Turn | None = None
    for i, turn in enumerate(ordered):
        if turn.speaker == "client":
            last_client = turn
            continue
        after = next((t for t in ordered[i + 1 :] if t.speaker == "client"), None)
        exchanges.append(Exchange(turn, len(exchanges), last_client, after))
    disclosures: list[Disclosure] = []
    # a persona with a means fact: its means, or any lethal one, named in the client's words
    own_means = [w for f in facts for w in _means_words(f)]
    means = means_pattern((*MEANS_WORDS, *own_means)) if own_means else None
    for turn in ordered:
        if turn.speaker != "client":
            continue
        own = _fact_disclosures(turn, facts)
        disclosures += own
        disclosures += _crisis_disclosures(turn, {d.kind for d in own}, means)
    names = tuple(sorted({client_name, *proper_names(facts)} - {""}))
    kinds = Counter(f.kind for f in facts)
    # a risk fact's id gates on any risk heard (a question about a plan counts once suicidal
    # thoughts are out, in whatever words); a means fact's on a means heard when it is the only one
    sole: dict[str, str] = {
        f.id: f.kind
        for f in facts
        if f.kind == "risk" or (f.kind == "means" and kinds[f.kind] == 1)
    }
    signs = tuple(seq for seq, _ in risk_said)
    return Conversation(ordered, exchanges, disclosures, _engagement(exchanges), names, sole, signs)


def _means_words(fact: PersonaFact) -> tuple[str, ...]:
    if fact.kind != "means" or not fact.means:
        return ()
    return means_terms(fact.means)


# "No guns." / "I don't have anything like that" is an answer, not a disclosure of means.
_DENIAL = re.compile(r"^\W*(no|never|nope)\b[^.]*$|\b(don't|do not) have (any|anything)\b", re.I)


def _denied(sentence: str) -> bool:
    return bool(_DENIAL.search(sentence))


def overlap(text: str, source: str) -> set[str]:
    return content_stems(text) & content_stems(source)
