"""The conversation as the crisis layer reads it: which client sentences are warning signs,
which name a means (and which means), and, for each trainee sentence, which assessment act it
is. Acts are read from the sentence's form (question or not, negated, reported) and generic
cues, with the example library deciding paraphrases."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.contracts.conversation import Turn
from core.semantic import similarity
from evaluation.crisis import vocabulary as v
from evaluation.crisis.examples import example_set
from evaluation.negation import clause_negated
from evaluation.text import STOPWORDS, read_in_context, sentences

# how much nearer a sentence must be to an act's examples than to its near misses
NEAR = 0.3
NEAR_SIGN = 0.3
SIGN_FLOOR = 0.7  # and how near to the nearest example at all, for a client warning sign


@dataclass(frozen=True)
class CrisisProfile:
    """What the scenario declares: its risk profile, the means its client has (persona facts of
    kind `means`), and its client's own risk disclosures (facts of kind `risk`)."""

    risk_profile: str = "none"
    means: tuple[str, ...] = ()
    risk_says: tuple[str, ...] = ()


def crisis_profile(definition: Mapping[str, Any]) -> CrisisProfile:
    """From a scenario document as stored (format 2 keys; absent keys mean no declaration)."""
    facts = (definition.get("persona") or {}).get("facts") or []
    means = tuple(
        w for f in facts if f.get("kind") == "means"
        for w in re.findall(r"[a-z]+", f.get("means", "").lower())
        if len(w) > 2 and w not in STOPWORDS
    )  # fmt: skip
    says = tuple(s for f in facts if f.get("kind") == "risk" for s in f.get("says", []))
    return CrisisProfile(str(definition.get("risk_profile") or "none"), means, says)


@dataclass(frozen=True)
class Said:
    turn: Turn
    text: str  # one sentence, verbatim

    @property
    def seq(self) -> int:
        return self.turn.seq

    @property
    def question(self) -> bool:
        return self.text.rstrip("\"') ").endswith("?")


_LEADING = re.compile(
    r"\byou('re| are) not\b|\byou aren'?t\b|\byou (wouldn'?t|won'?t|don'?t)\b.*\b(would|will|do) you\b"
    r"|\b(nothing|anything) (silly|stupid)\b",
    re.I,
)
_DENIED_SIGN = re.compile(r"^\W*(no|nope|never|not really|god no)\b", re.I)
_INTENT = re.compile(
    r"\b(plan\w*|intend\w*|intention|act on|acted on|attempt\w*|tried (to|before)|ever tried|"
    r"how close|how likely|decided|prepar\w*)\b",
    re.I,
)
# "How long were you married?" is not about intent; "How long have you had these thoughts?" is
_WHEN = re.compile(r"\b(when|how (long|often|soon)|before|tonight|time|place|how or when)\b", re.I)
_ABOUT_IT = re.compile(r"\b(do it|these thoughts|those thoughts|the thoughts|act|it\?)", re.I)
_MEANS_ASK = re.compile(
    r"\b(any ?(way|thing|means)|how (you )?(would|might|could) (you )?(do|use)|what would you use|at home|access|"
    r"in the (house|home)|where (are|is)|with you (now|tonight))\b",
    re.I,
)
_BUFFER = re.compile(
    r"\b(reasons? (for|to) (living|live|stay)|kept you (going|alive|safe)|keeps you (going|here)|"
    r"hold(ing)? on|someone you trust|stopped you|in your corner|(anyone|someone) you (could|can) "
    r"(reach|call|talk|ring|turn)|(who|anyone|someone) (could|can|would) you (call|talk|reach|turn)"
    r"|who (is|are) there for you|who('s| is| has) been (with|there for|around) you|support|friends?|family|helped you (before|get through))\b",
    re.I,
)
_SAFETY = re.compile(
    r"\b(safety plan|plan (for|to keep you|to stay) safe|keep(ing)? you safe|stay(ing)? safe|988|"
    r"crisis (line|team|service|number)|emergency|hotline|helpline|(see|call|contact) (a|your) "
    r"(doctor|gp|therapist|counsell?or)|refer\w*|connect you|appointment|get you (help|support)|"
    r"if the (thoughts|urges|feelings) (get|come)|who (will|would) you call)\b",
    re.I,
)
_FOLLOW_UP = re.compile(
    r"\b(call you (back|tomorrow|later|in the morning|on)|check(ing)? in|talk again|speak again|"
    r"meet again|see you (tomorrow|next|on|again)|follow(ing)? up|tomorrow|next (week|session|time))\b",
    re.I,
)
_NO_FOLLOW_UP = re.compile(
    r"\b(don'?t|do not|no) (need|have) to (meet|talk|call|speak) again\b|\bno need to (call|talk)"
    r"|\bwon'?t (be calling|call)\b",
    re.I,
)

# The safety work put off to another day while the risk is now: "We can figure out storage
# another day.", "Let's think about it together tomorrow." (not "I'll call you tomorrow").
_PUT_OFF = re.compile(
    r"\b(figure (it |this |that )?out|sort (it |this |that )?out|work (it |this |that )?out|"
    r"think about (it|this|that)|talk about (it|this|that)|deal with (it|this|that)|"
    r"look at (it|this|that)|storage|the plan|a plan)\b[^.?!]*\b(another|some other|a different) "
    r"(day|time)\b|\b(figure|sort|work|think|talk|deal)\b[^.?!]*\b(tomorrow|next (week|time|session)"
    r"|in the morning)\b",
    re.I,
)


@dataclass
class CrisisReading:
    turns: list[Turn]
    profile: CrisisProfile
    means_re: re.Pattern[str]
    warning_signs: list[Said] = field(default_factory=list)
    means: list[tuple[Said, str]] = field(default_factory=list)  # client sentence, means named

    @property
    def first_warning(self) -> Said | None:
        return self.warning_signs[0] if self.warning_signs else None

    def trainee(self) -> list[Said]:
        return [
            Said(t, s.text)
            for t in self.turns
            if t.speaker == "trainee"
            for s in read_in_context(t.text)
        ]

    def client_before(self, seq: int) -> Turn | None:
        return next(
            (t for t in reversed(self.turns) if t.seq < seq and t.speaker == "client"), None
        )

    def means_before(self, seq: int) -> list[tuple[Said, str]]:
        return [(s, w) for s, w in self.means if s.seq < seq]

    def means_in_focus(self, seq: int, reach: int = 4) -> bool:
        """Whether the conversation is still on a disclosed means when turn `seq` is said: the
        means was named in a recent turn and every turn since refers back to something ("Where
        is it now?" / "Same place, I sleep better knowing it's there"), so the trainee's "it" or
        "them" in `seq` can only mean the means."""
        named = {s.seq for s, _ in self.means}
        if not named or min(named) >= seq:
            return False
        earlier = [t for t in self.turns if t.seq < seq][::-1][:reach]
        for turn in earlier:
            if turn.seq in named or (turn.speaker == "trainee" and self.means_re.search(turn.text)):
                return True
            if not (v.BACK_REFERENCE.search(turn.text) or v.SUICIDE_TOPIC.search(turn.text)):
                return False  # talk of the act itself keeps the means in focus
        return False


# A yes to the suicide question ("Yeah. I've thought about it.", "Sometimes.", "I have").
_AFFIRMS = re.compile(
    r"^\W*(yes|yeah|yep|yup|i do|i have|i am|i'?m|i guess|sometimes|a bit|a little|kind of|sort of|"
    r"maybe|more than|every (day|night)|(i'?ve )?thought about it|i think about it|lately|honestly)\b",
    re.I,
)


def _is_warning_sign(text: str, profile: CrisisProfile, lethal: re.Pattern[str]) -> bool:
    if _DENIED_SIGN.search(text):
        return False
    m = v.RISK_SAID.search(text)
    if m and not clause_negated(text, m.start()):
        return True
    thought, means = v.THINKS_OF.search(text), lethal.search(text)
    if thought and means and not clause_negated(text, thought.start()):
        return True
    signs = example_set("WARNING_SIGNS")
    if signs.nearest_positive(text) >= SIGN_FLOOR and signs.closeness(text) >= NEAR_SIGN:
        return True
    return any(similarity(text, said) >= 0.85 for said in profile.risk_says)


def read_crisis(turns: Sequence[Turn], profile: CrisisProfile) -> CrisisReading:
    ordered = sorted(turns, key=lambda t: t.seq)
    words = (*v.MEANS_WORDS, *v.EVERYDAY_MEANS, *profile.means)
    reading = CrisisReading(ordered, profile, v.means_pattern(words))
    lethal = v.means_pattern((*v.MEANS_WORDS, *profile.means))
    asked = False  # the trainee's last turn asked directly about suicide
    for turn in ordered:
        if turn.speaker != "client":
            asked = any(asks_directly(Said(turn, s.text)) for s in read_in_context(turn.text))
            continue
        for i, s in enumerate(sentences(turn.text)):
            said = Said(turn, s.text)
            m = reading.means_re.search(s.text)
            held = lethal.search(s.text)
            disclosed = bool(m) and not clause_negated(s.text, m.start()) if m else False
            # In a risk conversation a client who tells of handling a lethal means (got it out,
            # counted or saved them up) has shown preparatory behaviour, a warning sign in itself
            # (988 risk assessment standard: capability; preparatory behaviour is imminent risk);
            # that a means is in the house is access, not yet a sign.
            means_sign = (
                profile.risk_profile == "suicide"
                and bool(held)
                and disclosed
                and bool(v.PREPARATORY.search(s.text))
            )
            # answering the direct question with a yes is the disclosure itself
            affirmed = asked and i == 0 and bool(_AFFIRMS.search(s.text))
            if means_sign or affirmed or _is_warning_sign(s.text, profile, lethal):
                reading.warning_signs.append(said)
            in_crisis = bool(reading.warning_signs) or profile.risk_profile == "suicide"
            if disclosed and (in_crisis or held):
                assert m is not None
                reading.means.append((said, m.group(0).lower()))
    return reading


def _near(name: str, text: str) -> bool:
    return example_set(name).closeness(text) >= NEAR


# An assessment question is asked of the person: it speaks to them ("you", "your") or is a
# short elliptical one ("Ever tried before?"); a list of terms read out ("Ideation, plan,
# intent, means?") is a checklist recited, not a question anyone was asked.
_TO_THEM = re.compile(r"\b(you|your|you'?(re|ve|d|ll)|yourself|ya)\b", re.I)
_ELLIPTICAL = 6  # words
# A step's word about something else: "a plan for the job hunt", "preparing for the move",
# "tried a recruitment agency", "access to a computer". Read only when the sentence does not
# also speak of the act, the thoughts or a means.
_OTHER_TOPIC = re.compile(
    r"\b(plan\w*|prepar\w*) (for|on) (?!(it|that|this|tonight|today|now|the (next|night)|you|"
    r"how|when|if|doing|ending|killing|hurting|taking|staying|keeping|getting through)\b)|"
    r"\b(ever )?tried (a|an|the|some|any|out)\b|\baccess to (a|an|the|your)\b",
    re.I,
)
# What a question about means asks after, when it names none: "anything", "a way".
_ANY_MEANS = re.compile(
    r"\b(any ?(thing|way|means)|something|a way|what would you use|how (you )?(would|might|could))\b",
    re.I,
)


_LETHAL = v.means_pattern(v.MEANS_WORDS)


def _about_something_else(s: Said) -> bool:
    return bool(_OTHER_TOPIC.search(s.text)) and not (
        v.SUICIDE_TOPIC.search(s.text) or _ABOUT_IT.search(s.text)
    )


def _asked_of_them(s: Said) -> bool:
    """A question put to the client, not leading, not a recited checklist."""
    if not s.question or _LEADING.search(s.text):
        return False
    return bool(_TO_THEM.search(s.text)) or len(_words(s.text)) <= _ELLIPTICAL


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text)


def asks_directly(s: Said) -> bool:
    if not _asked_of_them(s):
        return False
    m = v.SUICIDE_TOPIC.search(s.text)
    return bool(m and not clause_negated(s.text, m.start())) or _near("ASK_DIRECTLY", s.text)


def asks_about_means(s: Said, reading: CrisisReading) -> bool:
    if not _asked_of_them(s):
        return False
    if reading.means_re.search(s.text):
        return not v.DISTANCE.search(s.text)
    if _about_something_else(s):
        return False
    refers = reading.means_before(s.seq) and v.BACK_REFERENCE.search(s.text)
    if _MEANS_ASK.search(s.text) and (_ANY_MEANS.search(s.text) or refers):
        return not v.DISTANCE.search(s.text)
    return _near("MEANS_QUESTION", s.text)


def counsels_means(s: Said, reading: CrisisReading) -> bool:
    """CALM's counselling: putting distance between the client and a means they named."""
    refers = reading.means_re.search(s.text) or (
        reading.means_before(s.seq) and v.BACK_REFERENCE.search(s.text)
    )
    return bool(refers and (v.DISTANCE.search(s.text) or v.THIRD_PARTY_HOLDS.search(s.text)))


def asks_intent(s: Said) -> bool:
    if not _asked_of_them(s):
        return False
    if _about_something_else(s):
        return False
    when = _WHEN.search(s.text) and (v.SUICIDE_TOPIC.search(s.text) or _ABOUT_IT.search(s.text))
    return bool(_INTENT.search(s.text) or when) or _near("INTENT_PLAN", s.text)


def explores_buffers(s: Said) -> bool:
    asked = _asked_of_them(s)
    return bool(_BUFFER.search(s.text)) and (asked or (not s.question and _near("BUFFERS", s.text)))


def plans_safety(s: Said) -> bool:
    if v.CLOSING.search(s.text):
        return False  # "I can't help you, call someone else" hands the client off, it plans nothing
    if _about_something_else(s) and not _LETHAL.search(s.text):
        return False  # "a safety plan for your finances" plans something else
    # a plan names what to do: "Good call." or "Are you safe?" is near the examples, plans nothing
    return bool(_SAFETY.search(s.text)) or (
        len(_words(s.text)) > 4 and _near("SAFETY_PLAN", s.text)
    )


def arranges_follow_up(s: Said) -> bool:
    if _NO_FOLLOW_UP.search(s.text) or (_about_something_else(s) and not _LETHAL.search(s.text)):
        return False
    return bool(_FOLLOW_UP.search(s.text)) or (
        len(_words(s.text)) > 4 and _near("FOLLOW_UP", s.text)
    )


def refuses_follow_up(s: Said) -> bool:
    return bool(_NO_FOLLOW_UP.search(s.text))


def puts_off(s: Said, reading: CrisisReading) -> bool:
    """With a means the client disclosed at hand, the work of making it safe is put off to
    another day (CALM: distance from the means is tonight's work, not a later session's)."""
    return bool(reading.means_before(s.seq)) and bool(_PUT_OFF.search(s.text))


def assesses(s: Said, reading: CrisisReading) -> bool:
    """The sentence does a step of the assessment: asks about suicide, means, intent, plan,
    timing or history, explores what holds the client here, or plans their safety."""
    return (
        asks_directly(s)
        or asks_about_means(s, reading)
        or counsels_means(s, reading)
        or asks_intent(s)
        or explores_buffers(s)
        or plans_safety(s)
    )


def assesses_risk(turn: Turn) -> bool:
    """A trainee turn read on its own (no scenario's means): whether it assesses the risk."""
    reading = CrisisReading([turn], CrisisProfile(), v.means_pattern(v.MEANS_WORDS))
    return any(assesses(Said(turn, s.text), reading) for s in sentences(turn.text))
