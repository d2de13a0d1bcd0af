"""Whether the client was heard: the moments a conversation shows the trainee talking past them.

Technique can be recited without listening (the gaming form of the evaluation issue: the right
terms, stacked questions, reflections of feelings never voiced, disclosures left unanswered).
What gives it away is the conversation itself, read by who said what in reply to what:
- **misread**: the trainee names a feeling, the client refuses it ("I wasn't angry, really."),
  and the trainee's next turn goes on without taking the correction up;
- **protest**: the client says they were not heard ("Did you hear what I said about my dad?");
- **passed over**: the client tells something that matters (a disclosure, a feeling, a long
  turn) and the reply is a stock acknowledgement ("Great.", "Noted.", "Thank you for
  sharing.") followed by something that uses nothing of it;
- **recited**: the trainee announces a technique by name as a label ("Affirmation: you're a
  strong person.", "Safety plan: call 988.") - the rubric read aloud at the client;
- **unvoiced**: the trainee declares the client's feelings or reactions valid before the client
  has voiced any ("Your reactions make sense." to "He was sixteen. A car crash.").
- **projected**: the trainee says back what the client never said - a reading that shares no word
  with anything the client has told and brings content of its own ("It sounds like you're afraid
  of disappointing your family." to a panic attack at work) - and the client only hedges ("I
  guess. I don't know.", "Maybe.", "I haven't really thought about that."): a reading the client
  does not recognise, left so by the next turn.
A sixth reading is of the whole session, not of one turn: **nothing said back** - the client told
something that mattered INTERVIEW_MIN times or more and no trainee sentence ever said any of it
back (no reflection, no statement that takes up the client's words or names a feeling): the
steps asked one by one as a checklist, an interview rather than counselling. A scenario chooses
it as the `nothing_said_back` flag (a crisis call, where the questions come first, may not).
A misread is refused in the feeling's own words ("I wasn't angry, really."), by echoing the
reading's word ("Quit? No."), or, after a turn that only says back (no question to answer), by a
bare "No..." ("No, I said my dad."). It is repaired when the next turn takes up what the client
put in its place (only the refusing sentence when the turn also asked something: the rest answers
the question) or owns the miss ("Sorry, I got that wrong").
Accurate empathy includes misses the counsellor repairs (MITI 4: empathy is the effort to
understand the client's perspective, corrected as the client corrects it; Miller & Rollnick:
a reflection is a hypothesis the client confirms or refuses), so one repaired miss is no
event; an unrepaired one is. Two or more events in one session is a session that did not
listen (scoring.py places it in the weak band)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.contracts.conversation import Turn
from core.semantic import similarity
from evaluation.conversation import Conversation, Exchange, overlap
from evaluation.crisis.reading import assesses_risk
from evaluation.meaning import LANGUAGE, flagged
from evaluation.negation import has_negator
from evaluation.responsiveness import (
    BARE_SYMPATHY,
    FEELING,
    Move,
    echo_refused,
    is_question,
    lectures,
    refused,
)
from evaluation.roadblocks import roadblock
from evaluation.skills import REFLECTION
from evaluation.text import (
    LEAD_IN,
    Sentence,
    content_stems,
    first_match,
    sentences,
    stem,
    words,
)

INTERVIEW_MIN = 4  # client turns that told something, none said back: an interview
SIGNIFICANT_WORDS = 12  # a client turn this long tells something
CORRECTION_WORDS = 5  # what a refusal puts in place of the reading, at least
CORRECTED_NEAR = (
    0.5  # a feeling word this near a word of the correction names it ("fear", "scared")
)

# a stock acknowledgement that carries nothing of what was said
_STOCK = re.compile(
    r"^\W*(great|perfect|excellent|wonderful|awesome|fantastic|super|brilliant|"
    r"noted|got it|understood|cool|lovely|ok(ay)?,? (great|good|perfect|noted))\b"
    r"|^\W*(thank you|thanks|i appreciate (you|that)|i value you)\b[^.?!]{0,25}\b(shar\w*|"
    r"tell\w*|open\w*|saying)\b",
    re.I,
)


# a reply that opens by refusing what was just said back
_REFUSAL = re.compile(
    r"^\W*((what|huh|sorry|pardon)\?\W*)?"  # bewildered first: "What? No. I'm terrified."
    r"(no|nope|not really|not exactly|not quite|that's not (it|right|what)|i didn't say)\b",
    re.I,
)
# the client disowns what was said back, in its own words: "I never said I wanted to cut down."
_DISOWNS = re.compile(
    r"^\W*(no\W+)?(i never said|i didn'?t say|i did not say|that'?s not what i (said|meant)|"
    r"i never told you)\b",
    re.I,
)
# "No, that's it." / "No, exactly." confirms: nothing to correct
_CONFIRMS = re.compile(
    r"^\W*no\W+(that's (it|right|all|about it|everything)|exactly|spot on|you('ve| have) got it"
    r"|that (covers|sums) it)\b",
    re.I,
)
_LABEL = re.compile(
    r"^\W*(?:(?:now|ok(?:ay)?|so|next|right),?\s+)?([a-z][a-z' -]{2,40}?)\s*:\s+\S", re.I
)
LABEL_SIMILAR = 0.85  # a label this near a technique's name is that name


@dataclass(frozen=True)
class Unheard:
    # misread | protest | passed_over | recited | unvoiced | projected | nothing_said_back
    form: str
    seq: int  # the trainee turn that talked past the client (nothing_said_back: the client turn
    quote: str  # not said back); a verbatim sentence of that turn


def _significant(e: Exchange, conv: Conversation) -> bool:
    before = e.before
    if before is None:
        return False
    told = any(d.turn.seq == before.seq for d in conv.disclosures) or before.seq in conv.risk_signs
    long = len(words(before.text)) >= SIGNIFICANT_WORDS
    # asking whether they were heard asks for an answer too
    return told or long or bool(FEELING.search(before.text)) or _protested(before.text)


def _passed_over(e: Exchange, conv: Conversation) -> str | None:
    """The stock sentence, when the reply acknowledges by formula and uses nothing of the turn."""
    if not _significant(e, conv) or e.before is None:
        return None
    said = sentences(e.turn.text)
    first = said[0].text if said else ""
    if not _STOCK.search(first):
        return None
    rest = " ".join(s.text for s in said[1:])
    # what matters in the turn: what it discloses, when the conversation knows; else all of it
    told = [d.quote for d in conv.disclosures if d.turn.seq == e.before.seq]
    if (
        overlap(rest, " ".join(told) or e.before.text)
        or FEELING.search(rest)
        or assesses_risk(e.turn)
    ):
        return None
    return first


def _correction(reply: str, reading: str, asked: bool) -> str:
    """What the client put in place of the refused reading: the refusing sentence and what
    follows it, up to CORRECTION_WORDS words ("I wasn't angry, really. More scared."; "Guilty?
    No. I'm annoyed, mostly..."), without the refused words. When the turn also asked a
    question, what follows the refusal answers the question ("I didn't say guilty. Maybe a seven
    on important."): only the refusing sentence corrects."""
    said = sentences(reply)
    at = next((i for i, s in enumerate(said) if FEELING.search(s.text)), 0)
    refused_words = set(words(reading))
    kept: list[str] = []
    for s in said[at : at + 1] if asked else said[at:]:
        kept += [w for w in words(s.text) if w not in refused_words]
        if len(kept) >= CORRECTION_WORDS:
            break
    return " ".join(kept)


# the next turn owns the miss: "Sorry, I got that wrong", "Not guilty, then - ..."
_OWNS_MISS = re.compile(
    r"\b(sorry|my mistake|i got (that|it) wrong|i misread|i misunderstood|let me try (that )?again|"
    r"i stand corrected|not \w+,? then)\b",
    re.I,
)


def _repaired(nxt: Exchange | None, correction: str) -> bool:
    if nxt is None:
        return False
    return bool(_OWNS_MISS.search(nxt.turn.text) or overlap(nxt.turn.text, correction))


def _read_again(nxt: Exchange | None, conv: Conversation, correction: str) -> str | None:
    """After a refused reading, the next turn reads another feeling into the client that the
    client never voiced - not the one put in its place: the correction was not heard either
    ("No, not angry. More scared." - "You're frustrated with yourself.")."""
    if nxt is None:
        return None
    voiced = {
        stem(m.group(0)) for t in conv.client_before(nxt.turn.seq) for m in FEELING.finditer(t.text)
    }
    for s in sentences(nxt.turn.text):
        text = LEAD_IN.sub("", s.text)
        felt = {m.group(0).lower() for m in FEELING.finditer(text)}
        reading = bool(REFLECTION.match(text) or _YOU.search(text))
        if not (felt and reading and _says_back(s)) or roadblock(s.text) or lectures(s.text):
            continue
        if {stem(f) for f in felt} & voiced or any(
            similarity(f, w) >= CORRECTED_NEAR for f in felt for w in words(correction)
        ):
            continue  # a feeling she voiced, or hers in other words ("fear" for "scared")
        return s.text
    return None


def _protested(reply: str) -> bool:
    language = LANGUAGE["not_heard"]
    return any(
        first_match(language.hints, s.text) or flagged(language.examples, s.text)
        for s in sentences(reply)
    )


def _recited(sentence: str) -> bool:
    """The sentence opens with a technique's name as its label."""
    m = _LABEL.match(sentence)
    if m is None:
        return False
    label = m.group(1).strip().lower()
    language = LANGUAGE["technique_names"]
    return bool(first_match(language.hints, label)) or (
        language.examples.nearest_positive(label) >= LABEL_SIMILAR
        and language.examples.closeness(label) > 0
    )


def _says_back(sentence: Sentence) -> bool:
    """A statement that says the client's experience back (a reflection's form)."""
    return not is_question(sentence) and bool(
        REFLECTION.match(LEAD_IN.sub("", sentence.text)) or FEELING.search(sentence.text)
    )


def _refuses(sentence: Sentence, said: Sequence[Sentence], reply: Turn) -> bool:
    """The reply refuses the reading: in the feeling's own words, or by a bare "No" when the
    turn asked nothing the "No" could answer."""
    if FEELING.search(sentence.text) and refused(sentence.text, reply):
        return True
    if _says_back(sentence) and echo_refused(sentence.text, reply):
        return True
    if (
        not is_question(sentence)
        and _DISOWNS.match(reply.text)
        and overlap(sentence.text, reply.text)
    ):
        return True  # disowned in its own words, whatever else the turn asked
    asked = any(is_question(s) for s in said)
    # "No." to "You're not someone who wants to let family down" agrees with it
    negative = has_negator(sentence.text)
    return (
        not (asked or negative)
        and _says_back(sentence)
        and bool(_REFUSAL.match(reply.text) and not _CONFIRMS.match(reply.text))
    )


def read_unheard(conv: Conversation) -> list[Unheard]:
    events: dict[int, Unheard] = {}
    exchanges = conv.exchanges
    for i, e in enumerate(exchanges):
        nxt = exchanges[i + 1] if i + 1 < len(exchanges) else None
        said = sentences(e.turn.text)
        recital = next((s.text for s in said if _recited(s.text)), None)
        if recital is not None:
            events.setdefault(e.turn.seq, Unheard("recited", e.turn.seq, recital))
        if e.after is not None:
            for s in said:
                if _refuses(s, said, e.after):
                    asked = any(is_question(q) for q in said)
                    correction = _correction(e.after.text, s.text, asked)
                    if not _repaired(nxt, correction):
                        events.setdefault(e.turn.seq, Unheard("misread", e.turn.seq, s.text))
                        again = _read_again(nxt, conv, correction)
                        if nxt is not None and again is not None:
                            events.setdefault(nxt.turn.seq, Unheard("misread", nxt.turn.seq, again))
                    break
            if _protested(e.after.text):
                events.setdefault(
                    e.turn.seq, Unheard("protest", e.turn.seq, sentences(e.turn.text)[0].text)
                )
        stock = _passed_over(e, conv)
        if stock is not None:
            events.setdefault(e.turn.seq, Unheard("passed_over", e.turn.seq, stock))
        projected = _projected(e, conv, nxt)
        if projected is not None:
            events.setdefault(e.turn.seq, Unheard("projected", e.turn.seq, projected))
        unvoiced = _validates_unvoiced(e, conv)
        if unvoiced is not None:
            events.setdefault(e.turn.seq, Unheard("unvoiced", e.turn.seq, unvoiced))
    return sorted(events.values(), key=lambda u: u.seq)


# the client's feelings or reactions declared valid ("Your reactions make sense.", "Validation:
# your feelings are valid.")
_VALIDATES = re.compile(
    r"\b((your|these|those|the) (reactions?|feelings?|responses?)|what you'?re (feeling|going "
    r"through|experiencing)|how you'?re feeling)\b[^.?!]{0,20}\b(make|makes|is|are)\s+"
    r"(completely |totally |perfectly |so |very )?(sense|normal|understandable|natural|valid)\b",
    re.I,
)


def _validates_unvoiced(e: Exchange, conv: Conversation) -> str | None:
    """A validation of feelings the client has not voiced: no client turn so far names a
    feeling or discloses one. Validation answers what was felt; before it, it is recited."""
    said = next((s.text for s in sentences(e.turn.text) if _VALIDATES.search(s.text)), None)
    if said is None:
        return None
    earlier = conv.client_before(e.turn.seq)
    felt = any(FEELING.search(t.text) for t in earlier) or any(
        d.kind in ("feeling", "risk") and d.turn.seq < e.turn.seq for d in conv.disclosures
    )
    return None if felt else said


PROJECTED_NEAR = 0.2  # a reading this near what the client told (word vectors) says it back
_YOU = re.compile(r"\b(you|your|you'?(re|ve|d|ll)|yourself)\b", re.I)
# a reply that neither takes the reading up nor refuses it: "I guess. I don't know.", "Hm. Maybe.",
# "I haven't really thought about that.", "I wouldn't go that far."
_HEDGE = re.compile(
    r"^\W*((um+|uh+|hm+|er+|well)\W+)*(i guess|i suppose|maybe|perhaps|i don'?t (really )?know|sort of|"
    r"kind of|not sure|i'?m not sure|i haven'?t (really )?thought|i wouldn'?t (go that far|say that)|if "
    r"you say so)\b",
    re.I,
)
_TAKES_IT = re.compile(
    r"\b(yes|yeah|yep|exactly|that'?s (it|right|true)|right|true|definitely)\b", re.I
)
# words a reading is made of, not what it is about
_FRAME = frozenset(
    stem(w)
    for w in (
        "sounds seems like feel feeling part lot really kind sort right now thing something way much "
        "always never everything nothing want need make hear say said tell told wonder guess maybe "
        "just even still also own"
    ).split()
)


def _own_content(sentence: str, heard: str) -> set[str]:
    """What the sentence brings that the client never said, feelings aside."""
    felt = {stem(w) for w in words(sentence) if FEELING.search(w)}
    return content_stems(sentence) - felt - content_stems(heard) - _FRAME


def _projected(e: Exchange, conv: Conversation, nxt: Exchange | None) -> str | None:
    """A feeling read into the client with content of the trainee's own (no word of what the
    client has told, nothing near its meaning, two or more words the client never said) which the
    client only hedges, and the next turn does not take up what the client put instead."""
    hedge = _HEDGE.match(e.after.text) if e.after is not None else None
    if e.after is None or hedge is None:
        return None
    rest = e.after.text[hedge.end() :]
    if _TAKES_IT.search(rest[:40]):
        return None  # "I guess... yeah, that's it."
    heard = " ".join(t.text for t in conv.client_before(e.turn.seq))
    for s in sentences(e.turn.text):
        text = LEAD_IN.sub("", s.text)
        # a feeling read into this client (not into people), not a roadblock or a lecture
        reading = bool(REFLECTION.match(text) or _YOU.search(text)) and bool(FEELING.search(text))
        if not (reading and _says_back(s)) or roadblock(s.text) or lectures(s.text):
            continue
        # nothing of what was told, in its words or near its meaning ("a child" for "a kid")
        if overlap(s.text, heard) or any(
            similarity(s.text, told) >= PROJECTED_NEAR
            for told in (heard, e.before.text if e.before else "")
            if told
        ):
            continue
        if len(_own_content(s.text, heard)) >= 2:
            return None if _repaired(nxt, rest) else s.text
    return None


def _carries_nothing(text: str) -> bool:
    """A stock acknowledgement, sympathy with nothing of what was said ("That sounds hard."), or
    feelings catalogued or spoken of in general."""
    return bool(_STOCK.search(text) or BARE_SYMPATHY.match(LEAD_IN.sub("", text))) or lectures(text)


def _says_back_to(e: Exchange) -> bool:
    """A statement of the turn takes up what the client had just said: its words, or a feeling
    named, in a sentence that carries something of it."""
    if e.before is None:
        return False
    return any(
        not is_question(s)
        and not _carries_nothing(s.text)
        and bool(overlap(s.text, e.before.text) or FEELING.search(s.text))
        for s in sentences(e.turn.text)
    )


def said_nothing_back(conv: Conversation, reflections: Sequence[Move]) -> Unheard | None:
    """When the client told something INTERVIEW_MIN times or more and nothing of it was ever said
    back: the first feeling told (the client's turn and its sentence; without one, the longest
    sentence of the first turn that told something) - what the trainee could have said back,
    not a sentence of theirs."""
    told = [e for e in conv.exchanges if _significant(e, conv)]
    reflected = [m for m in reflections if not _carries_nothing(m.sentence.text)]
    if len(told) < INTERVIEW_MIN or reflected or any(_says_back_to(e) for e in conv.exchanges):
        return None
    clients = [e.before for e in told if e.before is not None]
    felt = [(t, s.text) for t in clients for s in sentences(t.text) if FEELING.search(s.text)]
    if felt:
        turn, quote = felt[0]
    else:
        turn = clients[0]
        quote = max((s.text for s in sentences(turn.text)), key=len, default=turn.text)
    return Unheard("nothing_said_back", turn.seq, quote)
