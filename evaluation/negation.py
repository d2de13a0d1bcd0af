"""Negation, leading questions and hedging.

"Are you thinking about suicide?" asks; "You're not thinking about suicide, are you?" tells the
client which answer is wanted; "Are you thinking about suicide? No, of course not." takes the
question back. Only the first counts as asking. A cue inside a negated clause ("this is not
confidential") is not the thing the cue names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from evaluation.text import LEAD_IN, Sentence

_NEGATOR = re.compile(r"\b(not|no|never|nothing|nobody|none|without|n't|cannot)\b|n't\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:–—-]|\b(but|and|because|although|though|or|so)\b", re.I)

# "You're not ..., are you?" / "You haven't ..., right?" - a negated statement with a tag.
_NEG_TAG = re.compile(
    r"(n't|\bnot\b|\bnever\b|\bno\b).*[,\s-](are|do|would|have|will|did|were|could|can|is|has)"
    r"\s+(you|it|they|there)\s*\?*[.!]*$|(n't|\bnot\b|\bnever\b|\bno\b).*[,\s-](right|correct|"
    r"yeah|yes|ok|okay|surely|i hope|i assume|i take it)\s*\?+[.!]*$",
    re.I,
)
# "You haven't thought about ...?" / "You're not ...?" - a negated statement said as a question.
_NEG_DECLARATIVE_Q = re.compile(
    r"^(you|you've|you're|you'd|you'll)\b[^?]*?\b(not|never|n't|no)\b|^(you)\s+\w*n't\b|^no\s+"
    r"(\w+\s+)?(thoughts?|plans?|ideas?|intentions?|urges?)\b|^(nothing|not)\b",
    re.I,
)
_BREAK = re.compile(r"\s[-–—]\s|[;:]\s")
# "I assume you're not ...", "I'm sure you wouldn't ..."
_ASSUMING = re.compile(
    r"\b(i assume|i'm assuming|i am assuming|i'm sure|i am sure|i take it|i guess|i'm guessing|"
    r"presumably|obviously|surely|i hope|hopefully|i doubt)\b.{0,40}\b(not|n't|never|no)\b|"
    r"\b(i'm guessing|i assume|i take it|presumably)\b",
    re.I,
)
# Said after the question, in the same turn: the question is taken back or played down.
_UNDONE = re.compile(
    r"^(no|nah|nope)\b|\bof course (not|you're not|you aren't|you wouldn't|you don't|you haven't)"
    r"\b|\bi('m| am) sure (you|it|that)\b[^.?!]*\b(not|never)\b|\bi('m| am) sure (you|it|that)\b"
    r"[^.?!]*n't\b|\bi('m| am) sure not\b|"
    # answering one's own question
    r"^(i'd say|i would say|i think you should|you should|you need to|the answer is)\b|"
    r"\bi know you (wouldn't|would never|aren't|don't|won't)\b|\bnot that you (would|are|do)\b|"
    r"\b(probably|likely) not\b|\bi didn't think so\b|\bjust (a )?(formality|protocol|routine|"
    r"box|checkbox|checklist)\b|\b(tick|check)(ing)? (a|the|off a) box\b|\bjust kidding\b|"
    r"\bforget i asked\b|\bsilly question\b|\bi have to ask everyone,? (but|so)\b",
    re.I,
)


# What a thought of dying is, in a question about it ("thoughts of not wanting to go on", "of not
# waking up", "no reason to live"): the content asked about, not the question's polarity.
_NEGATIVE_CONTENT = re.compile(
    r"\b(not|no longer|never) (wanting|want(ing)? to|waking|to wake|being (here|around|alive)|to be "
    r"(here|around|alive)|to go on|going on|living|to live|existing|to exist)\b|\bno (reason|point) "
    r"(to|in|of) (live|living|go on|going on|be here|being here)\b",
    re.I,
)


def without_negative_content(text: str) -> str:
    """The text with the negative content of a thought of dying taken out."""
    return _NEGATIVE_CONTENT.sub(" ", text)


def clause_negated(sentence: str, start: int) -> bool:
    """Whether a negator sits in the same clause before position `start` (within a few words)."""
    before = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    tail = " ".join(clause.split()[-5:])
    return bool(_NEGATOR.search(tail))


def clauses(sentence: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_BREAK.split(sentence) if p and p.strip()]
    return [p for p in parts if not _CLAUSE_BREAK.fullmatch(p)] or [sentence]


def has_negator(text: str) -> bool:
    return bool(_NEGATOR.search(text))


def leading(sentence: Sentence) -> bool:
    """The sentence steers towards 'no': a negated tag question, a negated statement asked as a
    question, or an assumption of the answer."""
    body = without_negative_content(LEAD_IN.sub("", sentence.text.strip()))
    if _NEG_TAG.search(body) or _ASSUMING.search(body):
        return True
    # "You're not alone in this - are you having thoughts of suicide?" asks in its last part
    asked = LEAD_IN.sub("", _BREAK.split(body)[-1].strip())
    return sentence.is_question and bool(_NEG_DECLARATIVE_Q.search(asked))


def undone(later: Sequence[Sentence]) -> Sentence | None:
    """The first of the sentences after a question (same turn) that takes the question back."""
    for s in later[:2]:
        if _UNDONE.search(LEAD_IN.sub("", s.text.strip())):
            return s
    return None
