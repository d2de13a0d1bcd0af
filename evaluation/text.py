"""Text primitives the evaluator reads with: verbatim sentence spans (so every quote is an exact
substring of its turn), word tokens, crude stems and content words, n-gram copying."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# a period before a digit (".45", "3.5 km", "9.30") does not end the sentence
_SENTENCE_END = re.compile(r"(?:[^.!?]|\.(?=\d))+(?:[.!?]+[\"')\]]*|$)")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
LEAD_IN = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|now|alright|right|yeah|mm+|hm+|i see|and so)[,\s-]+)+", re.I
)

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing don't down during each even ever every
    few for from further get gets getting got had has have having he her here hers herself him
    himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just kind know
    like lot me more most much my myself no nor not now of off on once only or other our ours
    out over own really right said same say says she should so some something such than that
    that's the their theirs them themselves then there there's these they they're this those
    through to too under until up very was wasn't we we're were what what's when where which
    while who whom why will with would yeah yes you you'd you'll you're you've your yours
    yourself yourselves okay ok um uh maybe thing things way going gonna want bit sort""".split()
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip("\"') ").endswith("?")


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences as spans of `text`; `text[s.start:s.end] == s.text` always holds."""
    out = []
    for m in _SENTENCE_END.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped or not re.search(r"[A-Za-z0-9]", stripped):
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        out.append(Sentence(start, start + len(stripped), stripped))
    return tuple(out)


# A short question whose subject is the sentence before it: "Is that where you are?",
# "Has it come to that?", "Does that fit?".
_POINTS_BACK = re.compile(r"\b(that|this|it|those|these|there|so)\b", re.I)
_SHORT_QUESTION = 7  # words


@lru_cache(maxsize=4096)
def read_in_context(text: str) -> tuple[Sentence, ...]:
    """The sentences of a turn as a listener takes them in: a short question that points back
    is asked about the sentence before it ("Some people in your spot think about ending it. Is
    that where you are?" asks about suicide), so it is also read as one span with that sentence,
    just before it is read alone. Every span is verbatim (`text[s.start:s.end] == s.text`)."""
    said = sentences(text)
    out: list[Sentence] = []
    for i, s in enumerate(said):
        short_ask = s.is_question and len(words(s.text)) <= _SHORT_QUESTION
        if i and short_ask and _POINTS_BACK.search(s.text) and not said[i - 1].is_question:
            prev = said[i - 1]
            out.append(Sentence(prev.start, s.end, text[prev.start : s.end]))
        out.append(s)
    return tuple(out)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


_UNDOUBLE = frozenset("bdgmnprt")


def stem(word: str) -> str:
    """A crude stem: "cutting"/"cut", "stopped"/"stop", "worried"/"worries"/"worry" meet."""
    w = word.split("'")[0]
    for suffix in ("ingly", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if suffix in ("ied", "ies"):
                w += "y"
            elif suffix.startswith(("ing", "ed")) and len(w) > 2 and w[-1] == w[-2]:
                w = w[:-1] if w[-1] in _UNDOUBLE else w
            break
    return w[:6]


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


# The client's first person said back in the second: "I'm not sure" -> "you're not sure".
_TO_SECOND_PERSON = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "am": "are",
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "was": "were",
}  # fmt: skip


def copied_share(text: str, source: str, n: int = 3) -> float:
    """Share of `text`'s words that sit in an n-gram copied from `source` (with the client's
    first person turned into the second, so "you're not sure" copies "I'm not sure")."""
    tokens = [_TO_SECOND_PERSON.get(w, w) for w in words(text)]
    src = ngrams([_TO_SECOND_PERSON.get(w, w) for w in words(source)], n)
    if len(tokens) < n:
        return 0.0
    covered = [False] * len(tokens)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in src:
            for j in range(i, i + n):
                covered[j] = True
    return sum(covered) / len(tokens)


def opener(text: str, size: int = 3) -> str:
    """The first words of a turn with filler lead-ins removed (to spot one formula everywhere)."""
    return " ".join(words(LEAD_IN.sub("", text.strip()))[:size])


def compile_all(patterns: list[str] | tuple[str, ...]) -> list[re.Pattern[str]]:
    return [_compiled(p) for p in patterns]


@lru_cache(maxsize=2048)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def first_match(patterns: Sequence[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None


def short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
