"""Rating one rubric criterion from the conversation.

Evidence items are (a) the criterion's aspects, each counted once, found in a trainee sentence of
the right form, on topic, not negated, not a question buried in a stack, and (b) the responsive
skills it wants (reflections that carry the client's meaning forward, open questions not
stacked, weighted by whether the answer was taken up). A disclosure the criterion depends on
that the trainee never follows up is negative evidence; a red flag that spoils the criterion
lowers it one level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contracts import CriterionResult, Evidence, Rating, Turn
from core.scenarios import Aspect, CriterionDef
from evaluation.conversation import Conversation, Exchange
from evaluation.negation import clause_negated, leading, undone
from evaluation.responsiveness import Move, Responsiveness, is_question
from evaluation.text import compile_all, first_match, sentences, short, words

RATING_SCORE: dict[Rating, float] = {"met": 100.0, "partly": 50.0, "not_met": 0.0}
MAX_EVIDENCE = 3
_LOWER: dict[Rating, Rating] = {"met": "partly", "partly": "partly", "not_met": "not_met"}


@dataclass
class CriterionReading:
    items: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    negated: list[tuple[int, str]] = field(default_factory=list)  # (seq, sentence) of key aspects
    missed: list[tuple[Turn, str]] = field(default_factory=list)  # (client turn, its sentence)


def _aspects(criterion: CriterionDef) -> list[Aspect]:
    legacy = [Aspect(name=p, cues=[p]) for p in criterion.patterns]
    return [*criterion.aspects, *legacy]


def _find_aspect(
    aspect: Aspect, conv: Conversation, resp: Responsiveness, reading: CriterionReading
) -> list[Evidence]:
    cues = compile_all(aspect.cues)
    # topic words are word starts: "anger" must not be found inside "strangers"
    topic = compile_all([rf"\b(?:{t})" for t in aspect.topic])
    found: list[Evidence] = []
    for e in conv.exchanges:
        if len(found) >= aspect.max_count:
            break
        if aspect.after and not conv.disclosed_before(aspect.after, e.turn.seq):
            continue
        stacked = e.turn.seq in resp.stacked_turns
        said = sentences(e.turn.text)
        for i, s in enumerate(said):
            m = first_match(cues, s.text)
            if m is None:
                continue
            asking = is_question(s)
            negated = clause_negated(s.text, m.start())
            taken_back = asking and undone(said[i + 1 :]) is not None
            if aspect.key and (leading(s) or (asking and negated) or taken_back):
                reading.negated.append((e.turn.seq, s.text))
                continue
            if negated or taken_back:
                continue
            if (asking and stacked) or (aspect.form == "question" and not asking):
                continue
            if aspect.form == "statement" and asking:
                continue
            if topic and not first_match(topic, _topic_window(aspect, s.text, e)):
                continue
            found.append(Evidence(seq=e.turn.seq, quote=s.text))
            break  # one per turn
    return found


def _topic_window(aspect: Aspect, sentence: str, e: Exchange) -> str:
    """Where the topic must show: the sentence itself, or the sentence with the client turn it
    answers and the client's answer to it (a question about a plan is about suicide when the
    conversation around it is)."""
    if aspect.topic_in == "sentence":
        return sentence
    return " ".join([e.before.text if e.before else "", sentence, e.after.text if e.after else ""])


def _skill_moves(criterion: CriterionDef, resp: Responsiveness) -> list[tuple[Move, float]]:
    wanted = set(criterion.skills)
    moves: list[tuple[Move, float]] = []
    if wanted & {"reflection", "complex_reflection"}:
        only_complex = wanted == {"complex_reflection"}
        moves += [(m, 1.0) for m in resp.reflections if m.complex or not only_complex]
    if "open_question" in wanted:
        moves += resp.open_questions
    if "affirmation" in wanted:
        moves += [(m, 1.0) for m in resp.affirmations]
    if "summary" in wanted:
        moves += [(m, 1.0) for m in resp.summaries]
    if "permission_ask" in wanted:
        moves += [(m, 1.0) for m in resp.permission_asks]
    return moves


def _follow_ups(criterion: CriterionDef, conv: Conversation, reading: CriterionReading) -> None:
    for rule in criterion.follow_up:
        said, wanted = compile_all(rule.client), compile_all(rule.trainee)
        for turn in conv.turns:
            if turn.speaker != "client":
                continue
            hit = next((s for s in sentences(turn.text) if first_match(said, s.text)), None)
            if hit is None:
                continue
            later = [e.turn for e in conv.exchanges if e.turn.seq > turn.seq][: rule.within]
            if later and not any(first_match(wanted, t.text) for t in later):
                reading.missed.append((turn, hit.text))
                reading.items -= 1
            break  # the first time the client says it is the moment that matters


def read_criterion(
    criterion: CriterionDef, conv: Conversation, resp: Responsiveness
) -> CriterionReading:
    reading = CriterionReading()
    for aspect in _aspects(criterion):
        found = _find_aspect(aspect, conv, resp, reading)
        reading.items += len(found)
        reading.evidence += found
    for move, weight in _skill_moves(criterion, resp):
        reading.items += weight
        reading.evidence.append(Evidence(seq=move.seq, quote=move.sentence.text))
    _follow_ups(criterion, conv, reading)
    return reading


def _rating(criterion: CriterionDef, items: float) -> Rating:
    if items >= criterion.met_at:
        return "met"
    if items >= criterion.partly_at:
        return "partly"
    return "not_met"


def _longest(turn: Turn) -> str:
    said = sentences(turn.text)
    return max(said, key=lambda s: len(s.text)).text if said else turn.text


def _anchor(
    criterion: CriterionDef, conv: Conversation, reading: CriterionReading
) -> tuple[Turn, str] | None:
    """The client turn the better alternative answers: a disclosure that was not followed up,
    else the first turn matching the rubric's `when` cues (in their order of priority), else
    the first or last client turn that says something (a curt 'I guess' teaches nothing)."""
    if reading.missed:
        return reading.missed[0]
    alt = criterion.better_alternative
    client = [t for t in conv.turns if t.speaker == "client"]
    if alt is None or not client:
        return None
    for pattern in compile_all(alt.when):
        for turn in client:
            for s in sentences(turn.text):
                if pattern.search(s.text):
                    return turn, s.text
    ordered = client if alt.fallback == "first" else list(reversed(client))
    for turn in ordered:
        if len(words(_longest(turn))) >= 4:
            return turn, _longest(turn)
    return ordered[0], _longest(ordered[0])


def _distinct(evidence: Sequence[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, str]] = set()
    out = []
    for ev in sorted(evidence, key=lambda e: e.seq):
        if (ev.seq, ev.quote) not in seen:
            seen.add((ev.seq, ev.quote))
            out.append(ev)
    return out


def score_criterion(
    criterion: CriterionDef,
    reading: CriterionReading,
    conv: Conversation,
    flags_present: set[str],
    client_name: str,
) -> CriterionResult:
    evidence = _distinct(reading.evidence)
    rating = _rating(criterion, reading.items)
    if rating == "not_met" and evidence:
        rating = "partly"  # negative evidence lowers a rating but never hides what was done
    spoilers = sorted(flags_present & set(criterion.spoiled_by))
    if spoilers:
        rating = _LOWER[rating]
    if not evidence:
        rating = "not_met"
    feedback = getattr(criterion.feedback, rating)
    if evidence:
        where = ", ".join(f"turn {ev.seq}" for ev in evidence[:MAX_EVIDENCE])
        feedback += f" (Seen at {where}.)"
    for turn, said in reading.missed[:1]:
        feedback += (
            f' At turn {turn.seq} {client_name} said "{short(said, 80)}" and it was not taken up.'
        )
    if spoilers:
        feedback += " Lowered because of: " + ", ".join(s.replace("_", " ") for s in spoilers) + "."
    better = None
    if rating != "met" and criterion.better_alternative is not None:
        anchor = _anchor(criterion, conv, reading)
        if anchor is not None:
            turn, said = anchor
            better = (
                f'At turn {turn.seq}, when {client_name} said "{short(said, 100)}", you could have '
                f'said: "{criterion.better_alternative.say}"'
            )
    return CriterionResult(
        id=criterion.id,
        title=criterion.title,
        weight=criterion.weight,
        rating=rating,
        score=RATING_SCORE[rating],
        evidence=evidence[:MAX_EVIDENCE],
        feedback=feedback,
        better_alternative=better,
    )
