"""Reading a trainee's turn as the offline client hears it: what kind of act it is (open or
closed question, reflection, validation, lecture, advice, ...) and which of the client's fact
topics it reaches.

Generic: the cues below are English conversational forms, never a scenario's words; what a turn
is *about* comes from the persona's own facts (their `asks` examples and `topic`) and from what
the client has just said, by meaning (core.semantic). Static embeddings see vocabulary, not
syntax, so reaching a topic needs either a close match or a shared content word."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.scenarios.schema import PersonaDef, PersonaFact
from core.semantic import ExampleSet, similarity

# Closeness to a fact's asks/topic that reaches it on meaning alone, and a lower bar that is
# enough when the turn also shares a content word with them.
REACH = 0.55
REACH_WITH_WORD = 0.38
# Closeness to the client's recent lines that makes a reflective statement accurate.
ECHO = 0.25
ECHO_WITH_WORD = 0.15
# Below this closeness to anything in the conversation, a turn is off-topic.
OFF_TOPIC = 0.3
REPEATED = 0.85
# A turn reaches the facts nearest to it, not every fact it brushes ("what's been going on
# tonight?" is about what happened, not about who he could call tonight).
MARGIN = 0.1

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
_CUES: dict[str, re.Pattern[str]] = {
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
# A turn about the client's own experience is never off-topic, even when it reaches no fact.
_ABOUT_CLIENT = re.compile(
    r"\b(going on|happen\w*|brings? you|brought you|on your mind|how are you|how have you)\b|"
    r"\b(you|your|you're|you've|yourself)\b.*\b(feel\w*|doing|going on|going through|mean|"
    r"more|okay|ok|been|happen\w*|cope|coping|handl\w*|manag\w*|need|have|sleep\w*|eat\w*|"
    r"work\w*|family|friends|life|day|week|tonight|today|safe)\b"
)
_FORM_CUES = {
    "reflection": ("reflection", "summary"),
    "validation": ("validation", "affirmation"),
    "greeting": ("greeting",),
}
_FRAME = re.compile(
    r"^(so )?(it sounds|sounds like|it seems|seems like|you feel|you're feeling|you are feeling|"
    r"you sound|i hear|i'm hearing|what i'm hearing|part of you|on one hand)\b"
)
OPENERS = frozenset({"reflection", "validation", "affirmation", "summary"})
CLOSERS = frozenset({"lecture", "judgement", "advice", "reassurance", "rudeness"})


@dataclass(frozen=True)
class TurnReading:
    acts: frozenset[str]
    reached: tuple[tuple[str, float], ...]  # (fact id, closeness), closest first
    questions: tuple[str, ...]
    repeated: bool  # a question asked before, in the same or nearly the same words
    by_statement: frozenset[str] = frozenset()  # reached only by what was said around a question
    in_order: tuple[str, ...] = ()  # the reached facts by where the turn reaches them first


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(normalise(text)) if s]


def content_words(text: str) -> frozenset[str]:
    """Crude stems of the words that carry content (kids ~ kid, drinking ~ drink)."""
    words = (w for w in _WORD.findall(normalise(text)) if len(w) > 2 and w not in _STOP)
    return frozenset(w.removesuffix("s")[:5] for w in words)


def _clauses(sentence: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(sentence) if c.strip()]


def _is_question(sentence: str) -> bool:
    """A question by its mark, or by how it starts when unpunctuated (a voice transcript); a
    wh-word sentence with a full stop says something ("What you feel makes sense.")."""
    if sentence.endswith("?"):
        return True
    if sentence.endswith((".", "!")) and _WH_STATEMENT.match(sentence):
        return False
    return bool(_OPEN_START.match(sentence) or _CLOSED_START.match(sentence))


def _question_form(sentence: str) -> str:
    """Open or closed, by the last clause that starts like a question ("Take your time - what
    happened?" is open; "When you say that, I have to ask: are you safe?" is closed)."""
    for clause in reversed(_clauses(sentence)):
        if _OPEN_START.match(clause):
            return "open_question"
        if _CLOSED_START.match(clause):
            return "closed_question"
    return "closed_question"


def _close(text: str, others: Sequence[str], strong: float, weak: float) -> float:
    """How close `text` is to the nearest of `others` (0 when neither bar is met)."""
    words = content_words(text)
    best = 0.0
    for other in others:
        score = similarity(text, other)
        if score >= strong or (score >= weak and words & content_words(other)):
            best = max(best, score)
    return best


def _fact_closeness(fact: PersonaFact, text: str) -> float:
    examples = ExampleSet(tuple(fact.asks) + ((fact.topic,) if fact.topic else ()))
    best = examples.nearest_positive(text)
    if best >= REACH:
        return best
    words = content_words(text)
    shares = any(words & content_words(example) for example in examples.positive)
    return best if best >= REACH_WITH_WORD and shares else 0.0


def forms_of(text: str) -> frozenset[str]:
    """The forms of a turn by its wording alone (what an author's example ask shows)."""
    said = sentences(text)
    forms = {_question_form(s) for s in said if _is_question(s)}
    statements = [s for s in said if not _is_question(s)]
    for form, cues in _FORM_CUES.items():
        if any(_CUES[cue].search(s) for s in statements for cue in cues):
            forms.add(form)
    if any(_CUES["proposal"].search(s) for s in said):
        forms.add("proposal")
    if any(_plain(s) for s in statements):
        forms.add("statement")
    return frozenset(forms)


def _plain(sentence: str) -> bool:
    """A statement with none of the cues: it says something (condolence, giving time)."""
    return bool(content_words(sentence)) and not any(c.search(sentence) for c in _CUES.values())


def _reached_by(persona: PersonaDef, texts: Sequence[str]) -> list[tuple[str, float]]:
    """Per sentence, the facts nearest it (within MARGIN of that sentence's best), closest
    first: each of several questions reaches its own topic."""
    found: dict[str, float] = {}
    for text in texts:
        scores = {fact.id: _fact_closeness(fact, text) for fact in persona.facts}
        best = max(scores.values(), default=0.0)
        for fid, score in scores.items():
            if score > 0 and score >= best - MARGIN:
                found[fid] = max(found.get(fid, 0.0), score)
    return sorted(found.items(), key=lambda pair: -pair[1])


def read_turn(
    persona: PersonaDef, text: str, client_recent: Sequence[str], asked_before: Sequence[str]
) -> TurnReading:
    said = sentences(text)
    acts: set[str] = set()
    questions = tuple(s for s in said if _is_question(s))
    acts.update(_question_form(q) for q in questions)
    if len(questions) > 1:
        acts.add("stacked_questions")
    statements = [s for s in said if s not in questions]
    client_sentences = [s for line in client_recent for s in sentences(line)]
    client_sentences += [normalise(line) for line in client_recent]
    for name, cue in _CUES.items():
        # "you feel like you have to be perfect" reflects the client's rule; it is no lecture
        heard = [s for s in said if not (name in CLOSERS and _FRAME.match(s))]
        if any(cue.search(s) for s in heard):
            acts.add(name)
    by_question = _reached_by(persona, questions)
    by_statement = _reached_by(persona, statements)
    if "reflection" in acts or "summary" in acts:
        # a reflection counts only when it is accurate: it says again, in other words, what
        # the client has just said, or reaches what the author says it may reflect (a guess
        # that misses is a statement the client corrects; one with hardly any content, "it
        # sounds really hard", is empathy, never a miss)
        reflective = [
            s for s in statements if _CUES["reflection"].search(s) or _CUES["summary"].search(s)
        ]
        accurate = bool(by_statement) or any(
            len(content_words(s)) < 2 or _close(s, client_sentences, ECHO, ECHO_WITH_WORD)
            for s in reflective
        )
        if not accurate:
            acts.discard("reflection")
            acts.discard("summary")
            acts.add("missed_reflection")
    if any(_plain(s) for s in statements) and "missed_reflection" not in acts:
        acts.add("statement")
    if questions:
        acts.discard("closing")  # "take care of yourself: who could you call?" goes on
    if acts & CLOSERS:
        # "you should ..." is not a reflection even though it starts with "you"
        acts.discard("reflection")
    # a client answers the question first, then takes up what was said around it
    asked = dict(by_question)
    reached = tuple(by_question) + tuple(p for p in by_statement if p[0] not in asked)
    earlier = [normalise(q) for q in asked_before]
    repeated = any(
        normalise(q) in earlier or any(similarity(q, e) >= REPEATED for e in earlier)
        for q in questions
    )
    ignored = OPENERS | CLOSERS | {"closing", "greeting", "proposal", "missed_reflection"}
    # a turn with no content words ("I see", "how is that for you?") is about the conversation
    if not reached and not acts & ignored and content_words(text):
        context = [*client_sentences, *(a for f in persona.facts for a in f.asks)]
        context += [f.topic for f in persona.facts if f.topic]
        about_client = any(_ABOUT_CLIENT.search(s) for s in said)
        near = max((similarity(s, c) for s in said for c in context), default=0.0)
        if not about_client and near < OFF_TOPIC:
            acts.add("off_topic")
    statement_only = frozenset(fid for fid, _ in by_statement if fid not in asked)
    in_order = tuple(dict.fromkeys(fid for s in said for fid, _ in _reached_by(persona, [s])))
    return TurnReading(frozenset(acts), reached, questions, repeated, statement_only, in_order)
