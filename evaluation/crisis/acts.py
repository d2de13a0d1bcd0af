"""What a trainee sentence does for the suicide-risk assessment (988 Lifeline standards): asks
directly, asks about means, intent, plan or timing, explores buffers, counsels distance from a
means, plans safety, arranges or refuses follow-up, puts the work off. Read from the sentence's
form (question or not, asked of the person, leading, about something else) and generic cues, with
the example library deciding paraphrases."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from evaluation.crisis import vocabulary as v
from evaluation.crisis.examples import example_set
from evaluation.negation import clause_negated

if TYPE_CHECKING:  # the reading holds what was said; these read one sentence of it
    from evaluation.crisis.reading import CrisisReading, Said

# how much nearer a sentence must be to an act's examples than to its near misses
NEAR = 0.3

_LEADING = re.compile(
    r"\byou('re| are) not\b|\byou aren'?t\b|\byou (wouldn'?t|won'?t|don'?t)\b.*\b(would|will|do) you\b"
    r"|\b(nothing|anything) (silly|stupid)\b",
    re.I,
)
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
    r"meet again|see you (tomorrow|next|on|again)|follow(ing)? up|next session)\b",
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


def _near(name: str, text: str) -> bool:
    return example_set(name).closeness(text) >= NEAR


# An assessment question is asked of the person: it speaks to them ("you", "your") or is a
# short elliptical one ("Ever tried before?"); a list of terms read out ("Ideation, plan,
# intent, means?") is a checklist recited, not a question anyone was asked.
# (and in chat's spelling: "r u thinking about it", "ur kids")
_TO_THEM = re.compile(r"\b(you|your|you'?(re|ve|d|ll)|yourself|ya|u|ur|urself)\b", re.I)
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
    if _INTENT.search(s.text):
        return True
    if asks_directly(s):
        return False  # "thoughts of taking your life tonight?" asks about the thoughts, not a time
    when = _WHEN.search(s.text) and (v.SUICIDE_TOPIC.search(s.text) or _ABOUT_IT.search(s.text))
    return bool(when) or _near("INTENT_PLAN", s.text)


def explores_buffers(s: Said) -> bool:
    asked = _asked_of_them(s)
    return bool(_BUFFER.search(s.text)) and (asked or (not s.question and _near("BUFFERS", s.text)))


# what the client has already done for help: "Have you been to see your doctor about it?"
_PAST_HELP = re.compile(
    r"^\W*(have|did|had) (you|u) (ever |already |been to |gone to |been )*(see|seen|saw|call|called|"
    r"talk|talked|spoke|spoken|tell|told|contact|contacted|tried|try|visit|visited|go|gone)\b",
    re.I,
)


def plans_safety(s: Said) -> bool:
    if v.HAND_OFF.search(s.text):
        return False  # "I can't help you, call someone else" hands the client off, it plans nothing
    if s.question and _PAST_HELP.search(s.text):
        return False  # asks what help there has been (assessment), plans none
    if _about_something_else(s) and not _LETHAL.search(s.text):
        return False  # "a safety plan for your finances" plans something else
    # a plan names what to do: "Good call." or "Are you safe?" is near the examples, plans nothing
    # "we've covered enough for tonight" ends the call: near the examples by "tonight", it plans
    # nothing unless it names what to do
    return bool(_SAFETY.search(s.text)) or (
        len(_words(s.text)) > 4
        and _near("SAFETY_PLAN", s.text)
        and not re.search(v.WRAP_UP, s.text, re.I)
    )


# a day named for the next contact, the counsellor's side keeping it ("I'll ring you tomorrow",
# "can someone from our team call next week"); "call your brother tomorrow" is the client's step
# ("tonight" is this call as often as the next: "we can talk about the plan tonight")
_LATER = re.compile(r"\b(tomorrow|tmrw|tmr|next (week|time)|in the morning)\b", re.I)
_CONTACT = re.compile(
    r"\b(i|we|i'?ll|we'?ll|i'?d|someone|our team)\b[^.?!]{0,40}\b(call|ring|text|check|talk|speak|see|"
    r"meet|follow|contact)(s|ed|ing)?\b",  # not "a queue of callers tonight"
    re.I,
)


def arranges_follow_up(s: Said) -> bool:
    if _NO_FOLLOW_UP.search(s.text) or (_about_something_else(s) and not _LETHAL.search(s.text)):
        return False
    if _LATER.search(s.text) and _CONTACT.search(s.text):
        return True
    # near the examples, and the counsellor's side is in it: "call your brother tomorrow" plans
    # the client's own step, not the next contact
    return bool(_FOLLOW_UP.search(s.text)) or (
        len(_words(s.text)) > 4 and _near("FOLLOW_UP", s.text) and bool(_CONTACT.search(s.text))
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
