"""The critical crisis acts, each read from the conversation's structure: what the client
disclosed and when, what the trainee's sentence does (its form, negation, reported speech, what
it refers back to), and whether the risk was resolved (a safety plan or referral) by then."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.contracts.evaluation import CrisisAssessment
from evaluation.crisis import vocabulary as v
from evaluation.crisis.acts import arranges_follow_up, puts_off, refuses_follow_up
from evaluation.crisis.examples import example_set
from evaluation.crisis.flags import (
    ENDED_EARLY,
    MEANS_ENCOURAGED,
    MORALISING,
    NEVER_ASKED,
    QUESTION_DECLINED,
    SECRECY,
    CrisisFlagDef,
)
from evaluation.crisis.reading import CrisisReading, Said
from evaluation.negation import clause_negated
from evaluation.voice import their_view


@dataclass(frozen=True)
class CrisisHit:
    flag: CrisisFlagDef
    seq: int
    quote: str


_LEAD = r"^\W*(?:(?:just|maybe|so|okay|ok|well|then|and|now|sure|yes|yeah|alright|perhaps|honestly)\W+)*"
_IMPERATIVE_USE = re.compile(
    _LEAD
    + r"(?:(?:you (?:could|can|should|might|may|need to)|try (?:to|and)|feel free to|go ahead "
    r"and|why (?:don'?t you|not)|spend (?:some )?time)\W+)?(?:just\W+)?(take|swallow|use|have|grab|keep|"
    r"hold on to|hang on to|leave|pop|double|hold|handle|handling|clean|cleaning|load|loading)\b"
    # "take care", "have a think", "keep going": everyday phrases, not acts on a means
    r"(?!\W+(care|a (look|think|moment|break|breath|rest|seat|minute|good)|some time|time|it easy|in "
    r"touch|going|talking|trying|safe|an eye|hope|faith|me posted|it (one|slow|step|day)|it from here|"
    # "hold on", "hold that thought", "hold the line": a pause, not the means
    r"on\b|(that|the) (thought|line)|tight|off))",
    re.I,
)
_STRONG_PERMISSION = re.compile(
    r"\b(go ahead|go for it|feel free|just in case)\b(?!\W+(and )?(tell|say|talk|share|ask|i'?m listening))",
    re.I,
)
_NEGATED_DISTANCE = re.compile(
    # ("you can keep it locked in the safe" keeps it locked: no negation of the distance)
    r"\b(no need to|(don'?t|do not) (need|have) to|there'?s no need to)\b.{0,20}"
    r"\b(get rid|lock|move|give|hand|put|throw)",
    re.I,
)
_SOON = re.compile(
    r"\b(tonight|tomorrow|tmrw|tmr|in the morning|later (today|tonight|on)|in an hour|call you back|"
    r"(first thing|this) (morning|afternoon|evening))\b",
    re.I,
)
_CLAUSE = re.compile(r"[,;]|\s(?:and|then|so)\s", re.I)


# keeping the means permitted, wherever the permission stands in the sentence (distance was
# read before: "you can keep it locked at a friend's" never reaches this)
_KEEP_ALLOWED = re.compile(
    r"\b(you can|you could|you may|it'?s (fine|ok|okay|alright) to|feel free to) (still |just )?"
    r"(keep|hang on to|hold on to) (it|them|that|those|one|the \w+|your \w+)\b",
    re.I,
)


# what is permitted is an inner state: "It's okay to have these thoughts", "normal to feel this way"
_INNER = re.compile(
    r"\b(okay|ok|fine|normal|alright|all right|understandable|allowed) to (have|feel|cry|be)\b[^.?!;]{0,30}"
    r"\b(thoughts?|feelings?|urges?|emotions?|angry|sad|scared|afraid|upset|this way|that way|like this)\b",
    re.I,
)


def _encourages_use(s: Said, reading: CrisisReading) -> bool:
    prior = reading.means_before(s.seq)
    if not prior:
        return False
    names = reading.means_re.search(s.text)
    if not names and _INNER.search(s.text):
        return False
    in_focus = reading.means_in_focus(s.seq)
    if not names and not (in_focus and reading.refers_back(s.text)):
        return False
    if _NEGATED_DISTANCE.search(s.text):
        return True
    if v.DISTANCE.search(s.text) or v.THIRD_PARTY_HOLDS.search(s.text):
        return False
    if (
        s.question
        and v.QUESTION_ABOUT_ACCESS.search(s.text)
        and not v.SUGGESTION_QUESTION.search(s.text)
    ):
        return False
    if _KEEP_ALLOWED.search(s.text):
        return True  # "As long as it's unloaded you can keep it by the bed."
    clauses = [c for c in _CLAUSE.split(s.text) if c and c.strip()]
    imperative = any(_IMPERATIVE_USE.search(c.strip()) for c in clauses)
    # "A couple of them won't hurt you": the means counted out and permitted
    counted = in_focus and v.QUANTITY.search(s.text)
    weak = v.PERMISSION.search(s.text) and (names or v.USE.search(s.text) or counted)
    # "plenty of guys keep one by the bed, nothing wrong with that": keeping it made normal
    normalised = v.NORMALISES_KEEPING.search(s.text) and (names or in_focus)
    left = v.LEFT_TO_THEM.search(s.text) and (names or in_focus)
    strong = _STRONG_PERMISSION.search(s.text) and example_set("USE_MEANS").closeness(s.text) > 0
    return bool(imperative or weak or strong or normalised or left)


# the myth that asking plants the idea: ideas put into the person ("put ideas in your head",
# "plant the idea", "give you ideas") - not an idea put to them ("Can I put an idea to you?")
_MYTH = re.compile(
    r"\bplant\w*\b.{0,25}\b(idea|ideas|thoughts?)\b"
    r"|\b(put\w*|giv\w*)\b.{0,25}\b(idea|ideas|thoughts?)\b\s+(in|into)\b"
    r"|\bgiv\w* (you|him|her|them) (the )?ideas\b",
    re.I,
)
# ...or that talking about it makes it worse or encourages it: only when it is the asking or the
# talking that would ("Drinking tonight could make it worse" is no myth)
_MYTH_EFFECT = re.compile(r"\bmak\w* (it|things|you) worse\b|\bencourag\w* (it|you|them)\b", re.I)
_ASKING = re.compile(
    r"\b(ask\w*|talk\w*|bring\w* (it|that) up|rais\w* (it|that)|question\w*|discuss\w*|"
    r"mention\w*|going there|go there)\b",
    re.I,
)
_AVOIDS = re.compile(
    r"\b((don'?t|do not|wouldn'?t) want to|rather not|afraid (of|to)|worried (about|that)|"
    r"not going to)\b",
    re.I,
)
_DECLINE = re.compile(
    r"\b(rather not|not going to|won'?t|don'?t want to|let'?s not|no need to|don'?t need to|"
    r"shouldn'?t|can'?t|not (here|now) to) (ask|talk|go|get into|discuss|bring|dwell|focus)\w*"
    r"|\blet'?s (move on|change)\b(?! to (making|a|the|your) (plan|safety))|\blet'?s (talk about|focus on) "
    r"(something|other things|the positives?|happier|what'?s going (well|right))\b|\byou (don'?t|do not) (really )?mean (that|it)"
    # talked out of it: "you don't really want to die", "you're not really suicidal"
    r"|\byou (don'?t|do not) really want to (die|do (that|it|this)|end|kill)"
    r"|\byou('re| are)n'?t really (suicidal|going to|serious)|\byou('re| are) not really (suicidal|"
    r"going to|serious)|\byou wouldn'?t really (do|go through with) (that|it)"
    r"|\bdon'?t (say|think|talk) (like )?(that|this)\b",
    re.I,
)
_SUBJECT_CHANGE = re.compile(
    r"^\W*(anyway|moving on|on another note|changing the subject)\b|\blet'?s (move on|talk about "
    r"something (else|more positive))\b|\b(switch|change) (the )?(topics?|subjects?)\b"
    r"|\blet'?s (park|put aside|set aside|shelve) (that|this|it)\b"
    r"|\b(not|n'?t) (really )?(qualified|trained|the right person) to (talk|ask|discuss|deal|go)\b",
    re.I,
)


def _declines(s: Said, reading: CrisisReading) -> bool:
    if v.REPORTED.search(s.text):
        return False
    m = _MYTH.search(s.text)
    if m is None and _ASKING.search(s.text):
        m = _MYTH_EFFECT.search(s.text)
    # "I don't want to put ideas in your head" holds the myth; "asking won't plant it" refutes it
    if m and (not clause_negated(s.text, m.start()) or _AVOIDS.search(s.text[: m.start()])):
        return True
    answered = reading.client_before(s.seq)
    # what it turns away from: the suicide question, a warning sign, or the means just named
    about_risk = (
        v.SUICIDE_TOPIC.search(s.text)
        or any(said.turn is answered for said in reading.warning_signs)
        or any(said.turn is answered for said, _ in reading.means)
    )
    if _SUBJECT_CHANGE.search(s.text) and about_risk:
        return True
    d = _DECLINE.search(s.text)
    return bool(d and about_risk and example_set("DECLINE_QUESTION").closeness(s.text) > 0)


# Judging the act: "it's not selfish to feel this" negates it.
_JUDGES = re.compile(
    r"\b(selfish|sin|sinful|coward\w*|wrong|shame\w*|a gift|man up|toughen up|quitter|(don'?t|never) "
    r"quit|weak)\b",
    re.I,
)
# Debating the value of life or guilt about the family: whatever the negation ("you can't
# abandon them", "never the answer").
_DEBATES = re.compile(
    r"\b((so much|everything) to live for|would do to|do (that|this) to|devastat\w*|destroy\w*|"
    r"think (about|of) (your|the|what) ?(kids|children|family|wife|husband|mother|mum|mom|dad|father|"
    r"parents|it would|that would)?|how could you|throw (it|your life) away|what about "
    r"your|(never|not) the answer|permanent solution|temporary problem|(they|kids|children|family|"
    r"wife|husband) (need|needs) you|abandon\w*|leave (them|your \w+) behind|give up on (life|them)|"
    # "killing yourself won't solve anything, it just passes the pain to your family"
    r"(killing yourself|suicide|ending (it|your life)|taking your (own )?life|dying) (won'?t|doesn'?t|"
    r"will not|does not|never) (solve|fix) (anything|a thing|your problems)|"
    r"pass\w* (the|your|that) (pain|hurt) (on )?to)\b",
    re.I,
)


def _moralises(s: Said) -> bool:
    if v.REPORTED.search(s.text):
        return False
    judged = _JUDGES.search(s.text)
    if judged and clause_negated(s.text, judged.start()):
        judged = None
    cue = _DEBATES.search(s.text) or judged
    if cue is None or their_view(s.text, cue.start()):
        return False
    return example_set("MORALISE").closeness(s.text) >= (0.15 if s.question else 0.05)


# A promise that what was disclosed goes no further: not telling, it staying here, nobody
# learning of it, given one's word.
_SECRET = re.compile(
    # "I won't tell anyone" keeps it; "I'm not going to tell you what to do" is about advice
    r"\b(won'?t|will not|never|not going to) (tell|say|mention|share|pass)\b(?! you\b)|"
    r"\bbetween (us|you and me)\b|"
    r"\bsecret\b|\b(nobody|no one|no-one) (needs|has|will|is going) to (know|hear|find out)\b|"
    # "I promise" / "you have my word" alone or about silence, not "I promise I'll call you back"
    r"\bkeep (it|this|that) to myself\b|\b(i promise|you have my word)(\W*$|,? (not to|i won'?t|it "
    r"(stays|won'?t)|nobody|no one))|"
    r"\b(it|this|that|everything|all of (it|this)) (stays|will stay|stay) (here|on this (call|line)|with me|"
    r"in this room|between)\b|\b(none|nothing|no part) of (this|it|that|what you'?ve? (said|told me)) "
    r"(goes|will go|gets|is going|leaves)\b",
    re.I,
)
_ASKS_SECRECY = re.compile(
    r"\b(promise|don'?t tell|won'?t tell|not tell|keep (this|it) (between|to yourself|secret)|secret)\b",
    re.I,
)
_AGREES = re.compile(r"^\W*(okay|ok|sure|of course|i promise|yes|alright|deal|absolutely)\b", re.I)


def _promises_secrecy(s: Said, reading: CrisisReading) -> bool:
    if v.CONFIDENTIALITY_LIMIT.search(s.turn.text):
        return False
    if _SECRET.search(s.text) and example_set("SECRECY").closeness(s.text) > 0:
        return True
    asked = reading.client_before(s.seq)
    first = s.turn.text.strip().startswith(s.text[:20])
    return bool(first and asked and _ASKS_SECRECY.search(asked.text) and _AGREES.search(s.text))


def _within_the_day(s: Said) -> bool:
    """A follow-up (acts.arranges_follow_up: the counsellor's side keeps contact) set within the
    day ("I'll call you back at nine tomorrow"), not negated ("I can't call you tomorrow")."""
    when = _SOON.search(s.text)
    return bool(when and arranges_follow_up(s) and not clause_negated(s.text, when.start()))


def detect_harms(reading: CrisisReading, steps: CrisisAssessment) -> list[CrisisHit]:
    hits: list[CrisisHit] = []
    warning = reading.first_warning
    start = warning.seq if warning else -1
    in_risk = warning is not None or reading.profile.risk_profile == "suicide"
    planned_at = next(
        (s.seq for s in steps.steps if s.id == "safety_plan_or_referral" and s.seq is not None),
        None,
    )
    # a follow-up within the day (Stanley 2018: a call within 72 h; not "next week") keeps the
    # contact going, so a goodbye after it ends nothing early; the safety work itself put off
    # to tomorrow is still put off
    follow_up = next(s for s in steps.steps if s.id == "follow_up")
    soon = next(
        (
            s.seq
            for s in reading.trainee()
            if follow_up.seq is not None and s.seq >= follow_up.seq and _within_the_day(s)
        ),
        None,
    )
    resolved_at = min((t for t in (planned_at, soon) if t is not None), default=None)
    for s in reading.trainee():
        if _encourages_use(s, reading):
            hits.append(CrisisHit(MEANS_ENCOURAGED, s.seq, s.text))
        if not in_risk or s.seq < start:
            continue
        if _declines(s, reading):
            hits.append(CrisisHit(QUESTION_DECLINED, s.seq, s.text))
        # In a declared suicide-risk scenario the risk is there whether or not the reading
        # heard its sign: judging, secrecy and ending the call with it unresolved all harm.
        if _moralises(s):
            hits.append(CrisisHit(MORALISING, s.seq, s.text))
        if _promises_secrecy(s, reading):
            hits.append(CrisisHit(SECRECY, s.seq, s.text))
        closes = v.CLOSING.search(s.text) or v.HAND_OFF.search(s.text) or refuses_follow_up(s)
        if (closes and (resolved_at is None or resolved_at > s.seq)) or (
            puts_off(s, reading) and (planned_at is None or planned_at > s.seq)
        ):
            hits.append(CrisisHit(ENDED_EARLY, s.seq, s.text))
    asked = next(s for s in steps.steps if s.id == "asked_directly")
    if warning is not None and not asked.done:
        reply = next((s for s in reading.trainee() if s.seq > warning.seq), None)
        if reply is not None:
            hits.append(CrisisHit(NEVER_ASKED, reply.seq, reply.text))
    unique: dict[tuple[str, int], CrisisHit] = {}
    for h in hits:
        unique.setdefault((h.flag.id, h.seq), h)  # the first sentence of a turn that shows it
    return sorted(unique.values(), key=lambda h: (h.seq, h.flag.id))
