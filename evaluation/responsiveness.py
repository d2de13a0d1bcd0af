"""Whether the trainee's moves answer the client.

A reflection counts when it follows a client turn and carries that turn's meaning forward in the
trainee's own words: it shares content with the client turn (or names a feeling) but is not a
copy of it (parroting), it is not the same opener formula used in most turns (formulaic), and it
is not a roadblock (roadblocks.py): reassurance, praise, "don't feel…", "at least…" change or
judge the feeling instead of saying it back. A bare "That sounds awful" acknowledges without
carrying anything forward: a simple reflection at most.
A question counts when it is not buried in a stack (3+ questions in one turn); an open question
whose answer the trainee never takes up counts for less."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contracts.conversation import Turn
from evaluation.conversation import Conversation, Exchange, overlap
from evaluation.roadblocks import roadblock
from evaluation.skills import (
    ADVICE,
    AFFIRMATION,
    AFFIRMS_EFFORT,
    COMPLEX,
    INVITATION,
    OPEN_Q,
    PERMISSION,
    REFLECTION,
    SUMMARY,
    announces_only,
)
from evaluation.text import (
    LEAD_IN,
    Sentence,
    content_stems,
    copied_share,
    opener,
    sentences,
    stem,
    words,
)

PARROT_SHARE = 0.55
STACK = 3
FEELING = re.compile(
    r"\b(afraid|alone|angry|anger|anxious|ashamed|awful|betrayed|broken|crushed|desperate|"
    r"devastat\w*|drained|empty|exhaust\w*|fear\w*|frighten\w*|frustrat\w*|furious|grief|"
    r"griev\w*|guilt\w*|heartbr\w*|helpless|hopeless|hurt\w*|lonely|lost|miss(ing)?|numb|"
    r"overwhelm\w*|pain\w*|panic\w*|pressure|proud|relie\w*|sad\w*|scar\w*|shame|shock\w*|"
    r"stress\w*|stung|terrif\w*|tired|torn|trapped|unbearable|upset|weigh\w*|worn|worr\w*|"
    r"heavy|hard|tough|care|matter\w*|love|longing|burden\w*|carry\w*|shoulders|"
    r"annoy\w*|irritat\w*|embarrass\w*|humiliat\w*|confus\w*|nervous|defensive|disappoint\w*|"
    r"resent\w*|jealous|bitter|worthless|useless|isolated|"
    # yearning, grief's own feeling: "I just want him back", "I wish she were here"
    r"want(ed)? (him|her|them) back|wish (he|she|they)('d| had| was| were| could))\b",
    re.I,
)
# an acknowledgement of how bad it is, with nothing of what the client said or felt
BARE_SYMPATHY = re.compile(
    r"^(that|it|this)('s| is| was| sounds| must be| must have been| seems)( like)?( (a|an|really|"
    r"so|incredibly|very|pretty|truly|just|absolutely|awfully))* (awful|terrible|horrible|"
    r"horrendous|dreadful|hard|tough|rough|difficult|heavy|a lot|brutal|grim|not easy)\W*$",
    re.I,
)
_SO = re.compile(r"^(so|and so|sounds like|no wonder)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(you|your|you're|you've|you'd|yourself)\b", re.I)
# the trainee speaking of themself, greeting or thanking: not the client's experience said back
_SELF_TALK = re.compile(
    r"^(i|i'm|i've|my|we|let's|let me|thanks?|thank you|hi|hello|hey|welcome)\b", re.I
)
_FIRST_HEAD = re.compile(
    r"^(what|how|who|when|where|why|which|any|are|do|did|have|is|can|could|would|will|does)\b", re.I
)
_MORE_HEADS = re.compile(
    r"(?:[,;:]\s*|\band\s+|\bor\s+)(what|how|who|when|where|why|which|any|are you|do you|did you|have you|is there)\b",
    re.I,
)
_CRISIS_RESOURCE = re.compile(
    r"\b(\d{3}|crisis|hotline|helpline|emergency|call me|ring me)\b", re.I
)
_ASKED_FOR_ADVICE = re.compile(
    r"\b(what should i|what do you (think|suggest)|any (tips|advice|ideas)|what can i do|"
    r"tell me what to do|how do i)\b",
    re.I,
)


def is_question(sentence: Sentence) -> bool:
    core = LEAD_IN.sub("", sentence.text)
    return sentence.is_question or bool(INVITATION.match(core))


def question_count(text: str) -> int:
    """Questions in a turn, counting each interrogative head of a list question separately."""
    total = 0
    for s in sentences(text):
        if s.is_question:
            body = LEAD_IN.sub("", s.text)
            total += max(1, (1 if _FIRST_HEAD.match(body) else 0) + len(_MORE_HEADS.findall(body)))
        elif INVITATION.match(LEAD_IN.sub("", s.text)):
            total += 1
    return total


@dataclass(frozen=True)
class Move:
    seq: int
    sentence: Sentence
    complex: bool = False


@dataclass
class Responsiveness:
    reflections: list[Move] = field(default_factory=list)
    parrots: list[Move] = field(default_factory=list)
    formulaic_turns: list[int] = field(default_factory=list)
    formula: str | None = None
    stacked_turns: list[int] = field(default_factory=list)
    open_questions: list[tuple[Move, float]] = field(default_factory=list)  # (move, weight)
    affirmations: list[Move] = field(default_factory=list)
    summaries: list[Move] = field(default_factory=list)
    permission_asks: list[Move] = field(default_factory=list)
    advice: list[Move] = field(default_factory=list)
    roadblocks: list[Move] = field(default_factory=list)  # said after a client turn
    taken_up: dict[int, bool] = field(default_factory=dict)  # trainee seq -> next turn used answer


# a statement about people or feelings in general, not about this client
_GENERAL = re.compile(
    r"^(grief|loss|mourning|bereavement|anger|anxiety|stress|people|everyone|everybody|anyone|"
    r"most people|many people|a lot of people|some people|it'?s (normal|common|natural))\b",
    re.I,
)


_CATALOGUE = 4  # feeling words in one sentence: a list read out


def lectures(text: str) -> bool:
    """Feelings catalogued (four or more) or spoken of in general: teaching, not reflecting."""
    named = {m.group(0).lower() for m in FEELING.finditer(text)}
    return len(named) >= _CATALOGUE or bool(_GENERAL.match(text))


def _reflection(
    sentence: Sentence, exchange: Exchange, conversation: Conversation
) -> tuple[bool, bool]:
    """(is a responsive reflection, is complex)."""
    text = LEAD_IN.sub("", sentence.text)
    if exchange.before is None or is_question(sentence) or roadblock(sentence.text):
        return False, False
    if AFFIRMS_EFFORT.match(text):
        return False, False
    if ADVICE.search(text) and not REFLECTION.match(text):  # "you're feeling you have to..."
        return False, False
    if _SELF_TALK.match(text) and not REFLECTION.match(text):
        return False, False
    shared = overlap(text, exchange.before.text)
    feelings = len(FEELING.findall(text)) + len(COMPLEX.findall(text))
    feeling = feelings > 0
    opener_based = bool(REFLECTION.match(text) or _SO.match(sentence.text))
    second = bool(_SECOND_PERSON.search(text))
    client_feels = bool(FEELING.search(exchange.before.text))
    # said in new words only: there must have been something to reflect - not a curt answer,
    # unless the feeling named goes back to what the client told before it ("I guess. Maybe."
    # after advice, then "It sounds like that meeting was frightening")
    earlier = " ".join(t.text for t in conversation.client_before(exchange.turn.seq))
    # a short turn that discloses ("I've got a way to do it.", "...Yes." to the suicide
    # question) has said something: a feeling named back to it answers the disclosure
    before_seq = exchange.before.seq
    disclosed = before_seq in conversation.risk_signs or any(
        d.turn.seq == before_seq for d in conversation.disclosures
    )
    said_something = (
        client_feels
        or len(words(exchange.before.text)) >= 5
        or (feeling and (disclosed or bool(overlap(text, earlier))))
    )
    reflective = (
        (opener_based and (shared or ((feeling or len(words(text)) >= 5) and said_something)))
        or (shared and (feeling or second))
        or len(shared) >= 2
        # feelings named in new words ("Furious, then ashamed."), not a lecture on feelings in
        # general ("Grief has many stages: denial, anger, bargaining...")
        or (feelings >= 2 and client_feels and not lectures(text))
    )
    if not reflective or refused(text, exchange.after):
        return False, False
    new_words = set(words(text)) - set(words(exchange.before.text))
    complex_ = (feeling or len(new_words) >= 6) and not BARE_SYMPATHY.match(text)
    return True, complex_


_NEGATORS = frozenset({"no", "not", "never", "nope"})
DENIAL_REACH = 12  # the denial opens the client's reply


def echo_refused(text: str, reply: Turn) -> bool:
    """The reply echoes a word of the say-back and refuses it: "Quit? No." to "It sounds like
    you're ready to quit completely.", "Hopeful? Not really." - whatever else the turn asked."""
    said = words(reply.text)[:3]
    return (
        len(said) >= 2
        and bool(content_stems(said[0]) & content_stems(text))
        and said[1] in _NEGATORS
    )


def refused(text: str, reply: Turn | None) -> bool:
    """The client's reply refuses what the reflection named ("I wasn't angry, really.",
    "Ashamed? No.", "Hopeful? Not really."): said back, it was not theirs, so it reflected
    nothing they said."""
    if reply is None:
        return False
    if echo_refused(text, reply):
        return True
    named = {stem(m.group(0)) for m in FEELING.finditer(text.lower())}
    if not named:
        return False
    said = words(reply.text)[:DENIAL_REACH]
    for i, w in enumerate(said):
        if stem(w) not in named:
            continue
        before, after = said[max(0, i - 3) : i], said[i + 1 : i + 3]
        if any(x in _NEGATORS or x.endswith("n't") for x in before) or (
            i <= 1 and bool(_NEGATORS & set(after))
        ):
            return True
    return False


def _gathers(sentence: Sentence, exchange: Exchange, conversation: Conversation) -> bool:
    """A summary without a marker phrase: one statement late in the session that draws on at
    least three different earlier client turns."""
    if exchange.index < len(conversation.exchanges) / 2 or len(words(sentence.text)) < 15:
        return False
    earlier = conversation.client_before(exchange.turn.seq)
    drawn = [t for t in earlier if overlap(sentence.text, t.text)]
    return len(drawn) >= 3


def _summarised(sentence: Sentence, rest: Sequence[Sentence]) -> Sentence | None:
    """The sentence that holds the summary: the marked one, or - when it only announces one ("Let
    me summarise.", "To recap:") - the statement after it; an announcement followed by no
    statement summarised nothing."""
    if not announces_only(sentence.text):
        return sentence
    return next((s for s in rest if not is_question(s)), None)


def read_responsiveness(conversation: Conversation) -> Responsiveness:
    r = Responsiveness()
    exchanges = conversation.exchanges
    openers = Counter(opener(e.turn.text, 2) for e in exchanges if words(e.turn.text))
    if len(exchanges) >= 4 and openers:
        formula, count = openers.most_common(1)[0]
        if count >= max(3, (len(exchanges) + 1) // 2) and formula:
            r.formula = formula
            r.formulaic_turns = [e.turn.seq for e in exchanges if opener(e.turn.text, 2) == formula]
    previous_permission = False
    for i, e in enumerate(exchanges):
        stacked = question_count(e.turn.text) >= STACK
        if stacked:
            r.stacked_turns.append(e.turn.seq)
        nxt = exchanges[i + 1] if i + 1 < len(exchanges) else None
        used = True
        if e.after is not None and nxt is not None:
            used = bool(overlap(nxt.turn.text, e.after.text))
        r.taken_up[e.turn.seq] = used
        turn_reflected = False
        permission_here = False
        said_here = sentences(e.turn.text)
        summarised_here: list[Sentence] = []
        for k, s in enumerate(said_here):
            text = LEAD_IN.sub("", s.text)
            if PERMISSION.search(s.text):
                permission_here = True
                r.permission_asks.append(Move(e.turn.seq, s))
            if is_question(s):
                if not stacked and (OPEN_Q.match(text) or INVITATION.match(text)):
                    r.open_questions.append((Move(e.turn.seq, s), 1.0 if used else 0.5))
                continue
            said = REFLECTION.sub("", text, count=1)  # the formula is not the copying
            if e.before is not None and copied_share(said, e.before.text) >= PARROT_SHARE:
                r.parrots.append(Move(e.turn.seq, s))
                continue
            if e.before is not None and roadblock(s.text):
                r.roadblocks.append(Move(e.turn.seq, s))
            reflective, complex_ = _reflection(s, e, conversation)
            if reflective and not turn_reflected:
                turn_reflected = True
                r.reflections.append(Move(e.turn.seq, s, complex_))
            if AFFIRMATION.search(s.text) or AFFIRMS_EFFORT.match(text):
                r.affirmations.append(Move(e.turn.seq, s))
            if SUMMARY.search(s.text) or _gathers(s, e, conversation):
                summary = _summarised(s, said_here[k + 1 :])
                if summary is not None and summary not in summarised_here:
                    summarised_here.append(summary)  # an announcement and its statement: one
                    r.summaries.append(Move(e.turn.seq, summary))
            asked = e.before is not None and bool(_ASKED_FOR_ADVICE.search(e.before.text))
            if (
                ADVICE.search(text)
                and not reflective
                and not REFLECTION.match(text)
                and not (permission_here or previous_permission or asked)
                and not _CRISIS_RESOURCE.search(text)
            ):
                r.advice.append(Move(e.turn.seq, s))
        previous_permission = permission_here
    if r.formulaic_turns:
        # one formula everywhere: its reflections count once
        keep_first = True
        kept = []
        for m in r.reflections:
            if m.seq in r.formulaic_turns:
                if keep_first:
                    kept.append(m)
                    keep_first = False
                continue
            kept.append(m)
        r.reflections = kept
    return r
