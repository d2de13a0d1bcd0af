"""Reading a trainee's turn as the offline client hears it: what kind of act it is (open or
closed question, reflection, validation, lecture, advice, ...: the wording's forms, read by
core/scenarios/forms.py) and which of the client's fact topics it reaches.

Generic: the cues are English conversational forms, never a scenario's words; what a turn
is *about* comes from the persona's own facts (their `asks` examples and `topic`) and from what
the client has said, by meaning (core.semantic). Static embeddings see vocabulary, not
syntax, so reaching a topic needs either a close match or a shared content word."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.scenarios.forms import (
    CUES,
    content_words,
    is_plain,
    is_question,
    normalise,
    question_form,
    sentences,
)
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

# A turn about the client's own experience is never off-topic, even when it reaches no fact.
_ABOUT_CLIENT = re.compile(
    r"\b(going on|happen\w*|brings? you|brought you|on your mind|how are you|how have you)\b|"
    r"\b(you|your|you're|you've|yourself)\b.*\b(feel\w*|doing|going on|going through|mean|"
    r"more|okay|ok|been|happen\w*|cope|coping|handl\w*|manag\w*|need|have|sleep\w*|eat\w*|"
    r"work\w*|family|friends|life|day|week|tonight|today|safe)\b"
)
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
    questions = tuple(s for s in said if is_question(s))
    acts.update(question_form(q) for q in questions)
    if len(questions) > 1:
        acts.add("stacked_questions")
    statements = [s for s in said if s not in questions]
    client_sentences = [s for line in client_recent for s in sentences(line)]
    client_sentences += [normalise(line) for line in client_recent]
    for name, cue in CUES.items():
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
            s for s in statements if CUES["reflection"].search(s) or CUES["summary"].search(s)
        ]
        accurate = bool(by_statement) or any(
            len(content_words(s)) < 2 or _close(s, client_sentences, ECHO, ECHO_WITH_WORD)
            for s in reflective
        )
        if not accurate:
            acts.discard("reflection")
            acts.discard("summary")
            acts.add("missed_reflection")
    if any(is_plain(s) for s in statements) and "missed_reflection" not in acts:
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
