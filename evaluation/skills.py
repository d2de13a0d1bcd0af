"""Detection of counseling micro-skills in a trainee's utterance.

Everything here is pattern-based and deterministic, so it is explainable and reproducible, and
has known limits (documented in docs/evaluation.md): it reads surface forms, so a reflection
phrased unusually ("Exhausting.") is missed, sarcasm is not understood, and a question without a
question mark or interrogative opener is not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.scenarios.schema import SKILL_NAMES
from evaluation.roadblocks import roadblock

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_LEAD_IN = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|now|alright|right|i wonder|i.m curious)[,\s]+)+", re.I
)

OPEN_Q = re.compile(
    r"^(what|how|why|where|when|who|which|in what way|tell me|describe|walk me through|help me understand"
    r"|talk (to me )?about|(could|can|would|will) you (like to |want to )?(tell|say|describe|share|walk|talk|help me)"
    r"|i.d (like|love) to (hear|know)|what.s|how.s|what.ve|how.d|what.d|who.s|where.s)\b",
    re.I,
)
CLOSED_Q = re.compile(
    r"^(do|does|did|is|isn.t|are|aren.t|was|were|have|has|had|can|could|will|would|should|shall|may|might|am"
    r"|any|anything|don.t|didn.t|haven.t|won.t|right)\b",
    re.I,
)
PERMISSION = re.compile(
    r"\b(would it be (ok|okay|alright|all right) (if|for me to)|may i (share|offer|suggest|tell|ask)"
    r"|can i (share|offer|suggest|tell)|do you mind if i|would you like (me to share|to hear|some (information|ideas)))",
    re.I,
)
REFLECTION = re.compile(
    r"^(it sounds like|sounds like|it seems|it feels like|you.re feeling|you feel|you felt|you sound|so you"
    r"|you.re saying|you are|you.ve been|you.re (worried|angry|scared|afraid|frustrated|tired|exhausted|carrying|not sure)"
    r"|i hear|what i.m hearing|on (the )?one hand|part of you|you really|you.re|you.d like|you want|you miss"
    r"|no wonder|that must|it must|must (be|have been)|that sounds|you.ve got|you.ve had|you care|you love"
    r"|you don.t|you didn.t|you can.t|you couldn.t|you.d rather|you wish|you.re (still|also|left)|your)\b",
    re.I,
)
COMPLEX = re.compile(
    r"\b(on (the )?one hand|on the other|part of you|and yet|at the same time|as if|even though|and that"
    r"|afraid|alone|angry|ashamed|exhausted|frightened|frightening|guilt|guilty|hurt|lonely|overwhelm\w*"
    r"|sad|scared|worried|frustrat\w*|unbearable|relief|pressure|carrying|stung|matter\w*|care about"
    r"|terrif\w*|furious|longing|drained|numb|heav\w*|torn|both|another part|flip side)\b",
    re.I,
)
AFFIRMATION = re.compile(
    r"\b(took (real )?courage|takes courage|(it|that).s brave|you.re brave|you.ve been (really |very |so )?(honest|straight|open|upfront|candid)"
    r"|you clearly (care|love|want)|thank you for (sharing|telling|trusting|being)|i appreciate (you|your|that)"
    r"|(that|which) is a (real )?strength|(shows|says) a lot about|you.ve worked (so )?hard|proud of"
    r"|glad you (came|called|reached|told|are here|made it|picked up)|good (step|idea|plan)|really good next step"
    r"|took (guts|strength|a lot)|takes (guts|strength)|it says (something|a lot)|says something (good )?about you"
    r"|thank you for (trusting|being so honest|your honesty)|you.re someone who|you.ve (managed|kept|held)"
    r"|(shows|showed) (real )?(care|strength|courage|commitment)|solid start|plan that.s yours|built by you"
    r"|you (kept|managed|stuck (with|at)|carried on|pushed (on|through)|still (went|came|turned up|showed up))\b"
    r".{0,60}\b(even (when|though|if|after|with)|despite|anyway|all the same))",
    re.I,
)
# Crediting what the client did, said as the whole sentence: an affirmation, and (responsiveness.py)
# not a reflection - it evaluates the experience rather than saying it back.
AFFIRMS_EFFORT = re.compile(
    r"^(you('ve| have)? (kept|managed|made it|stuck (with|at)|carried on|held on|pushed (on|through)|"
    r"showed up|came in|got yourself|still (went|came|got|made|turned up))|(it|that) (took|takes) "
    r"(real |a lot of |some )?(courage|guts|strength|honesty)|(it|that)('s| is| was) (really |so )?"
    r"(brave|courageous)|that('s| is) (real |a real )?(honesty|strength|courage|commitment))\b",
    re.I,
)
SUMMARY = re.compile(
    r"\b(let me (summari[sz]e|see if i|check (that|if) i|pull)|to sum up|so far|what i.ve heard"
    r"|to pull (this|it|that) together|in summary|to recap|let me make sure i.ve got|let me pull"
    r"|let me check i.ve got|if i.ve got (this|it) right|putting (it|this) (all )?together|you.ve told me)",
    re.I,
)
ANNOUNCEMENT_WORDS = 4  # a summary's marker with fewer words of its own only announces one


def announces_only(sentence: str) -> bool:
    """A summary marker with (almost) nothing of its own - "Let me summarise.", "To recap:" -
    announces the summary: the statement after it holds it, and with none after it nothing was
    summarised."""
    own = SUMMARY.sub("", _LEAD_IN.sub("", sentence))
    return len(re.findall(r"[\w']+", own)) < ANNOUNCEMENT_WORDS


ADVICE = re.compile(
    # "you must be Sam", "you must be exhausted" guess, they do not tell: not advice
    r"\b(you should(?! (be|feel) (proud|pleased|glad))|you need to|you have to|you must(?! (be|have been|feel|have felt|have had)\b)|you ought to|why don.t you|have you tried|i suggest"
    r"|i recommend|i.d recommend|try to|just try|my advice|it might help (to|if you)|maybe you could"
    r"|you could try|you might (want to )?try|how about you|what you need is|the best thing (is|would be)"
    r"|i.ll give you (a|an|some) \w+|download|make sure you|stop \w+ing)\b",
    re.I,
)


@dataclass(frozen=True)
class Skills:
    open_questions: int = 0
    closed_questions: int = 0
    reflections: int = 0
    complex_reflections: int = 0
    affirmations: int = 0
    summaries: int = 0
    permission_asks: int = 0
    advice: int = 0
    names: frozenset[str] = field(default_factory=frozenset)

    @property
    def questions(self) -> int:
        return self.open_questions + self.closed_questions


# The count behind each skill name, in the order of core.scenarios.schema.SkillName (one list of names).
_COUNT_KEYS = ("open", "closed", "refl", "complex", "affirm", "summary", "permission")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


# a request for the client's answer in the imperative or as the trainee's wish: a question in all
# but punctuation ("Tell me about your week.", "I'm curious what changed.")
INVITATION = re.compile(
    r"^(tell me|describe|walk me through|help me understand|talk (to me )?about|i.d (love|like) to"
    r" (hear|know)|i(.m| am) (wondering|curious))\b",
    re.I,
)


def _is_question(sentence: str) -> bool:
    core = _LEAD_IN.sub("", sentence)
    # "Tell me about your week." is an open question in all but punctuation.
    return sentence.endswith("?") or bool(INVITATION.match(core))


def detect(text: str) -> Skills:
    """Skills in one trainee utterance, counted per sentence."""
    counts = dict.fromkeys(
        ("open", "closed", "refl", "complex", "affirm", "summary", "permission", "advice"), 0
    )
    announced = False
    for sentence in sentences(text):
        core = _LEAD_IN.sub("", sentence)
        if PERMISSION.search(sentence):
            counts["permission"] += 1
        # "You've got a lot going for you" opens like a reflection but reassures: a roadblock
        reflective = bool(REFLECTION.match(core) or REFLECTION.match(sentence)) and not roadblock(
            sentence
        )
        if _is_question(sentence) and not reflective:
            if OPEN_Q.match(core):
                counts["open"] += 1
            elif CLOSED_Q.match(core) or sentence.endswith("?"):
                counts["closed"] += 1
        elif reflective:
            counts["refl"] += 1
            if COMPLEX.search(core):
                counts["complex"] += 1
        if AFFIRMATION.search(sentence) or AFFIRMS_EFFORT.match(core):
            counts["affirm"] += 1
        marked = bool(SUMMARY.search(sentence))
        if marked and announces_only(sentence):
            announced = True  # the statement after it is the summary
        elif marked or (announced and not _is_question(sentence)):
            counts["summary"] += 1
            announced = False
        if (
            ADVICE.search(sentence) and not reflective
        ):  # "you have to be perfect" reflected back is not advice
            counts["advice"] += 1
    names = {name for name, key in zip(SKILL_NAMES, _COUNT_KEYS, strict=True) if counts[key]}
    return Skills(
        open_questions=counts["open"],
        closed_questions=counts["closed"],
        reflections=counts["refl"],
        complex_reflections=counts["complex"],
        affirmations=counts["affirm"],
        summaries=counts["summary"],
        permission_asks=counts["permission"],
        advice=counts["advice"],
        names=frozenset(names),
    )
