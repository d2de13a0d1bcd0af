"""The offline client's words: its authored lines first, then short generic lines a person
says in any conversation (language, not scenario content), and a choice that never says the
same line twice in one conversation."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from core.scenarios.forms import normalise

# Generic lines by the situation they answer. Authored lines (a fact's `guarded`, the state's
# `withdrawn` and `warm`, the ending's lines) always come first.
GENERIC: dict[str, tuple[str, ...]] = {
    "guarded": (
        "I guess.",
        "Maybe. I don't know.",
        "Sort of.",
        "I don't really want to get into that.",
        "It's complicated.",
        "Not really, no.",
    ),
    "not_ready": (
        "I don't know if I'm ready to talk about that.",
        "Can we... not, right now?",
        "That's hard to talk about.",
        "I'd rather not go there yet.",
    ),
    "withdrawn": (
        "Yeah, I guess.",
        "Right.",
        "Okay.",
        "I know.",
        "Sure.",
        "Mm.",
    ),
    "rudeness": (
        "Wow. Okay.",
        "That's... not really fair.",
        "I don't need to be talked to like that.",
        "Fine. Whatever.",
    ),
    "off_topic": (
        "Sorry, what? I don't see what that has to do with anything.",
        "I'm not sure why you're asking me that.",
        "That's... not really what I'm here about.",
        "Can we get back to it?",
    ),
    "warm": (
        "Yeah. That's it, exactly.",
        "Yeah. It really is.",
        "It's good to hear someone say it.",
        "Yeah. Nobody's really put it like that.",
    ),
    "missed": (
        "Not really. That's not quite it.",
        "No, it's not that exactly.",
        "I don't think that's it.",
    ),
    "greeting": (
        "Hi.",
        "Yeah. Hi.",
        "Hello.",
    ),
    "unknown_open": (
        "I don't know. It's hard to explain.",
        "I'm not sure. I haven't really thought about it.",
        "I don't know how to answer that.",
        "Hard to say.",
    ),
    "unknown_closed": (
        "I don't know.",
        "Not really.",
        "I'm not sure.",
        "Maybe.",
    ),
    "statement": (
        "Yeah.",
        "Mm-hm.",
        "Okay.",
        "I guess so.",
    ),
    "agree": (
        "Okay. Yeah.",
        "Yeah, okay. That's fine.",
        "Okay. I can do that.",
        "Yeah. Go ahead.",
    ),
    "closing": ("Okay. Thanks. Bye.",),
    "cut_short": ("Oh. Okay. I guess that's it, then.",),
    "ended": ("...", "I already said bye.", "I'm going now."),
}
_AGAIN = ("Like I said, ", "I told you, ", "As I said, ", "Yeah, like I said: ", "I already said, ")
_HESITATION = ("Um. ", "I mean... ", "I don't know. ", "Well... ", "Honestly? ", "Yeah. ")


def _variants(lines: Sequence[str]) -> Iterator[str]:
    """The lines, then the same lines with a hesitation in front, then with trailing pauses:
    an endless supply of wordings, so a fresh one always exists."""
    yield from lines
    for start in _HESITATION:
        for line in lines:
            yield start + line
    n = 1
    while True:
        for line in lines:
            yield line.rstrip(".") + "." * (n + 3)
        n += 1


def fresh(lines: Sequence[str], said: Collection[str]) -> str:
    """The first of `lines` (and then of their variants) not said before in the conversation."""
    lines = [line for line in lines if line.strip()] or list(GENERIC["statement"])
    # a wording said inside a longer line (two facts told at once) counts as said
    said_now = [normalise(s) for s in said]
    return next(
        line
        for line in _variants(lines)
        if not any(normalise(line) in earlier for earlier in said_now)
    )


def said_again(wordings: Sequence[str], said: Collection[str]) -> str:
    """A repeated question answered as a person does: "like I said, ..." with the answer."""
    return fresh([again + _lower_first(w) for w in wordings for again in _AGAIN], said)


def _lower_first(line: str) -> str:
    stripped = line.strip()
    if len(stripped) > 1 and stripped[0].isupper() and not stripped[1].isupper():
        # keep "I" and names as they are: only a leading common word is lowered
        first = stripped.split(" ", 1)[0].strip(".,!?")
        if first not in ("I", "I'm", "I've", "I'd", "I'll") and first.lower() in _COMMON:
            return stripped[0].lower() + stripped[1:]
    return stripped


_COMMON = frozenset(
    "a after also an and any at because before but everyone everything he her his honestly it "
    "it's just lately less maybe more mostly most my no nobody not nothing now of ok okay on one "
    "only or she since so some sometimes sure that that's the then there there's they this "
    "three two we well what when yeah yes you".split()
)
