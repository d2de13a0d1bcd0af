"""The form of a trainee's turn by its wording alone: a question (open or closed), a
reflection, validation, a lecture, advice, a proposal, a greeting, a plain statement... and the
forms that unlock a scenario's fact (its authored `unlocked_by`, else an open question, an
accurate reflection and the forms of its own example asks).

One owner for both readers of a scenario's rules: the offline client (persona/reading.py adds
what a turn is *about*, by meaning) and the persona prompt an LLM plays from
(core/scenarios/prompt.py). The cues are English conversational forms, never a scenario's words."""

from __future__ import annotations

import re

from core.scenarios.schema import PersonaFact

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"[,;:]\s+|\s+[-\u2013\u2014]+\s+")
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    "a about after again all also am an and any anything are as at be been before being but by "
    "can could did do does doing done for from get got had has have having he her here him his "
    "how i if in into is it its just know like me more most my no not now of off on one or our "
    "out over really right say said she so some something such tell than that the their them "
    "then there these they thing things think this those to too up us very was way we well were "
    "what when where which who why will with would yeah yes you your yourself for okay see hmm mm "
    "sounds seems feel feeling felt hard lot right".split()
)

_OPEN_START = re.compile(
    r"^(what|how|why|where|when|who|whom|which|tell me|describe|say more|talk me|walk me|"
    r"help me understand|i wonder|i'm wondering|i am wondering|"
    r"(could|can|would|will) you (tell|say|describe|talk|walk|share|help me understand))\b"
)
_WH_STATEMENT = re.compile(r"^(what|how|why|where|when|who|whom|which)\b")
_CLOSED_START = re.compile(
    r"^(do|does|did|are|is|was|were|have|has|had|can|could|would|will|should|shall|may|might|"
    r"any|anything|anyone|isn't|aren't|don't|didn't|haven't|wouldn't|won't)\b"
)
CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "reflection": r"^(so )?(it sounds|sounds like|it seems|seems like|it must|it feels like|"
        r"you feel|you're feeling|you are feeling|you sound|you've been|you have been|you're|"
        r"you are|you must|you really|you've|you have|you don't|you can't|you didn't|so you|"
        r"i hear|i'm hearing|what i'm hearing|part of you|it's like|that must|on one hand|so|you)\b",
        "summary": r"\b(so far you've|let me see if i|to sum up|to summari[sz]e|if i've got th)",
        "validation": r"\b(makes (complete |total |so much |a lot of )?sense|understandable|no wonder|of course you|anyone would|"
        r"thank(s| you) for (telling|sharing|being honest|trusting|saying)|i'm glad you|"
        r"that sounds (really |so |very |incredibly )?(hard|difficult|painful|awful|exhausting|"
        r"heavy|tough|scary|lonely|overwhelming)|that's a lot|it's (ok|okay) to feel|"
        r"i can hear how|that's really hard)",
        "affirmation": r"\b(took (a lot of )?courage|that takes strength|you've been so strong|"
        r"it's brave|you're doing (the right|really|so)|you care (so much|deeply|a lot))",
        "lecture": r"\b(you need to|you have to|you must|you shouldn't|you should not|you ought|"
        r"you can't just|it's important that you|the reality is|the truth is|let me tell you|"
        r"listen to me|you're overthinking|stop (feeling|thinking|worrying))\b",
        "advice": r"(\byou should\b|\bwhy don't you\b|^just\b|\bjust (take|go|try|call|do|stop|"
        r"get|talk|sleep|relax)\b|^try\b|\btry to\b|\byou could try\b|\bhave you tried\b|"
        r"\bi suggest\b|\bi'd suggest\b|\bmy advice\b|\bif i were you\b|\bwhat you need is\b|"
        r"\bget some (sleep|rest)\b)",
        "judgement": r"\b(that's (so )?(stupid|selfish|silly|ridiculous|crazy|wrong|irresponsible|"
        r"pathetic|weak)|how could you|what were you thinking|overreact|"
        r"you're being (so |really |a bit )?(ridiculous|dramatic|silly|selfish|unreasonable|"
        r"childish|difficult|irrational|too)|"
        r"your (own )?fault|be ashamed|that's not normal|grow up|get over it|man up|"
        r"stop being|too sensitive)",
        "rudeness": r"(^whatever\s*[.!,]|^whatever$|\bwhatever[.!]$|\b(shut up|idiot|stupid|moron|i don't care|who cares|boring|"
        r"get to the point|waste of (my )?time|fuck\w*|shit|pathetic|loser|hurry up)\b)",
        "reassurance": r"\b(it'll be (fine|ok|okay|alright|all right)|it will be (fine|ok|okay|"
        r"alright)|everything will|don't worry|you'll be (fine|ok|okay|alright)|so much to live|"
        r"cheer up|bright side|at least you|could be worse|things will get better|"
        r"it gets better|i'm sure (it|you|they|things)|nothing to worry)\b",
        "proposal": r"\b(could we|can we|shall we|would it be (ok|okay|alright|all right) if|"
        r"what if we|how about we|how would you feel about|would you be (willing|open)|"
        r"let's (make|think|come up|figure|plan|put|write|go over))\b",
        "closing": r"\b(goodbye|good bye|bye|good night|take care|we have to (stop|end|finish)|"
        r"we need to (stop|end|finish|wrap)|i (have|need|got) to go|i've got to go|gotta go|"
        r"end (the|this|our) (call|conversation|session|chat)|hang up|out of time|"
        r"talk (to you )?(later|soon)|let's (stop|end|wrap up|leave it)|that's all for today)\b",
        "greeting": r"^(hi|hello|hey|good (morning|evening|afternoon)|my name is|"
        r"thank(s| you) for (calling|coming))\b",
    }.items()
}
_FORM_CUES = {
    "reflection": ("reflection", "summary"),
    "validation": ("validation", "affirmation"),
    "greeting": ("greeting",),
}


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(normalise(text)) if s]


def content_words(text: str) -> frozenset[str]:
    """Crude stems of the words that carry content (kids ~ kid, drinking ~ drink)."""
    words = (w for w in _WORD.findall(normalise(text)) if len(w) > 2 and w not in _STOP)
    return frozenset(w.removesuffix("s")[:5] for w in words)


def clauses(sentence: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(sentence) if c.strip()]


def is_question(sentence: str) -> bool:
    """A question by its mark, or by how it starts when unpunctuated (a voice transcript); a
    wh-word sentence with a full stop says something ("What you feel makes sense.")."""
    if sentence.endswith("?"):
        return True
    if sentence.endswith((".", "!")) and _WH_STATEMENT.match(sentence):
        return False
    return bool(_OPEN_START.match(sentence) or _CLOSED_START.match(sentence))


def question_form(sentence: str) -> str:
    """Open or closed, by the last clause that starts like a question ("Take your time - what
    happened?" is open; "When you say that, I have to ask: are you safe?" is closed)."""
    for clause in reversed(clauses(sentence)):
        if _OPEN_START.match(clause):
            return "open_question"
        if _CLOSED_START.match(clause):
            return "closed_question"
    return "closed_question"


def forms_of(text: str) -> frozenset[str]:
    """The forms of a turn by its wording alone (what an author's example ask shows)."""
    said = sentences(text)
    forms = {question_form(s) for s in said if is_question(s)}
    statements = [s for s in said if not is_question(s)]
    for form, cues in _FORM_CUES.items():
        if any(CUES[cue].search(s) for s in statements for cue in cues):
            forms.add(form)
    if any(CUES["proposal"].search(s) for s in said):
        forms.add("proposal")
    if any(is_plain(s) for s in statements):
        forms.add("statement")
    return frozenset(forms)


def is_plain(sentence: str) -> bool:
    """A statement with none of the cues: it says something (condolence, giving time)."""
    return bool(content_words(sentence)) and not any(c.search(sentence) for c in CUES.values())


def unlocks(fact: PersonaFact) -> frozenset[str]:
    """The turn forms that may unlock a fact: the author's list, else an open question, an
    accurate reflection and whatever forms the fact's own example asks have (an author who
    writes "Do you have pills at home?" as an ask means a direct question reaches it)."""
    if fact.unlocked_by is not None:
        return frozenset(fact.unlocked_by)
    return frozenset({"open_question", "reflection"}).union(*(forms_of(a) for a in fact.asks))
