"""Rating one rubric criterion from the conversation.

Evidence items are (a) the criterion's aspects, each counted once, found in a trainee sentence that
is closer to the aspect's examples than to its near misses (meaning.py), of the right form, after
the disclosure it depends on, not negated, not a question buried in a stack, not unasked-for advice,
and (b) the responsive skills it wants (reflections that carry the client's meaning forward,
weighted by depth; open questions not stacked, weighted by whether the answer was taken up).
A turn that raised a red flag earns no credit and is never quoted for a criterion. A disclosure
the criterion depends on that the trainee never follows up is negative evidence; a red flag that
spoils the criterion lowers it one level. Partial credit needs positive evidence worth
`partly_at`: one stray cue in an otherwise absent behaviour is not 'partly'.

Which items count and which are quoted is evidence.py's: the quotes are the items that best
show the criterion, those answering what the client had just said first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.contracts.base import Rating
from core.contracts.conversation import Turn
from core.contracts.evaluation import CriterionResult
from core.scenarios.schema import Aspect, CriterionDef
from core.semantic import ExampleSet, similarity
from evaluation.conversation import Conversation, Exchange, overlap
from evaluation.evidence import Candidate, Tainted, creditable, distinct, quoted, shortfall
from evaluation.meaning import MARGIN, Found, find, of, rivalled, unnamed
from evaluation.negation import clauses, has_negator, leading, undone, without_negative_content
from evaluation.responsiveness import Move, Responsiveness, is_question
from evaluation.roadblocks import SAYS, roadblock
from evaluation.text import content_stems, read_in_context, sentences, short, words

RATING_SCORE: dict[Rating, float] = {"met": 100.0, "partly": 50.0, "not_met": 0.0}
SIMPLE_REFLECTION = 0.5
_LOWER: dict[Rating, Rating] = {"met": "partly", "partly": "partly", "not_met": "not_met"}


@dataclass
class CriterionReading:
    candidates: list[Candidate] = field(default_factory=list)
    missed_items: float = 0.0
    negated: list[tuple[int, str]] = field(default_factory=list)  # (seq, sentence) of key aspects
    missed: list[tuple[Turn, str]] = field(default_factory=list)  # (client turn, its sentence)
    roadblocks: list[Move] = field(default_factory=list)  # said where a reflection was wanted


def _responsive(sentence: str, e: Exchange) -> bool:
    """The sentence takes up what the client had just said."""
    return e.before is not None and bool(overlap(sentence, e.before.text))


def _negated(sentence: str, example: str) -> bool:
    """The clause that resembles the example is said in the opposite polarity ("this is not
    confidential" near "this is confidential"); an example that is itself negative ("nothing
    you say leaves this room") is matched by negative sentences."""
    if has_negator(example):
        return False
    nearest = max(clauses(sentence), key=lambda c: similarity(c, example))
    return has_negator(without_negative_content(nearest))


def _find_aspect(
    aspect: Aspect,
    conv: Conversation,
    resp: Responsiveness,
    reading: CriterionReading,
    rivals: Sequence[ExampleSet],
    steps: Mapping[str, tuple[int, str]],
    claimed: set[tuple[int, str]],
) -> list[Candidate]:
    examples = of(aspect.examples)
    step = steps.get(aspect.step) if aspect.step else None  # (turn, sentence) the layer found
    advice = {(m.seq, m.sentence.text) for m in resp.advice}
    found: list[Candidate] = []
    for e in conv.exchanges:
        if len(found) >= aspect.max_count:
            break
        if aspect.after and not conv.disclosed_before(aspect.after, e.turn.seq):
            continue
        stacked = e.turn.seq in resp.stacked_turns
        said = read_in_context(e.turn.text)
        for i, s in enumerate(said):
            match = find(examples, unnamed(s.text, conv.names), e.before.text if e.before else None)
            if match is None and step == (e.turn.seq, s.text) and step not in claimed:
                # the crisis layer read this sentence as doing the step (and no other aspect of
                # the criterion has it); the checks of negation, stacking and advice still apply
                match = Found(1.0, MARGIN, s.text)
            elif match is None or rivalled(match, s.text, rivals):
                continue
            asking = is_question(s)
            negated = _negated(s.text, match.example)
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
            if (e.turn.seq, s.text) in advice:  # telling her what to do explores nothing
                continue
            fit = 1.0 + 0.5 * _responsive(s.text, e) + 0.25 * aspect.key + match.score
            found.append(Candidate(e.turn.seq, s.text, 1.0, fit))
            break  # one per turn
    return found


def _skill_moves(criterion: CriterionDef, resp: Responsiveness) -> list[tuple[Move, float]]:
    """The responsive moves the criterion wants, each skill counted once per turn: a behaviour
    is a turn's act, and a turn of five affirmations is still one affirming turn."""
    wanted = set(criterion.skills)
    by_skill: list[list[tuple[Move, float]]] = []
    if wanted & {"reflection", "complex_reflection"}:
        only_complex = wanted == {"complex_reflection"}
        # a reflection that adds feeling or meaning is worth more than one that restates facts
        by_skill.append(
            [
                (m, 1.0 if m.complex else SIMPLE_REFLECTION)
                for m in resp.reflections
                if m.complex or not only_complex
            ]
        )
    if "open_question" in wanted:
        by_skill.append(resp.open_questions)
    for skill, plain in (
        ("affirmation", resp.affirmations),
        ("summary", resp.summaries),
        ("permission_ask", resp.permission_asks),
    ):
        if skill in wanted:
            by_skill.append([(m, 1.0) for m in plain])
    moves: list[tuple[Move, float]] = []
    for weighted in by_skill:
        best: dict[int, tuple[Move, float]] = {}
        for move, weight in weighted:
            if move.seq not in best or weight > best[move.seq][1]:
                best[move.seq] = (move, weight)
        moves += best.values()
    return moves


def _follow_ups(
    criterion: CriterionDef,
    conv: Conversation,
    reading: CriterionReading,
    shown: Sequence[tuple[Aspect, int]],
) -> None:
    """The first time the client discloses `after`, one of the next `within` trainee turns
    takes it up: it is near the take-up examples, it picks up the disclosure's own words, or it
    shows the criterion's key aspect or an aspect that answers that same disclosure (`shown`:
    aspect and turn), since "take it up with the question" is met by the question in any words."""
    for rule in criterion.follow_up:
        d = conv.first_disclosure(rule.after)
        if d is None:
            continue
        wanted = of(rule.examples)
        after = [e for e in conv.exchanges if e.turn.seq > d.turn.seq]
        answering = {seq for a, seq in shown if a.key or a.after == rule.after}
        asked_for = {seq for _, seq in shown}

        def takes_up(e: Exchange) -> bool:
            return _takes_up(e, answering, wanted, d.quote)  # noqa: B023 (called in this pass)

        if not after or any(takes_up(e) for e in after[: rule.within]):
            continue
        # Come back to later: an answer to the trainee's own question of this criterion, taken
        # up once the rest of the assessment is done, is the assessment's order, not neglect;
        # any other disclosure answered late costs half; never answered, the whole item.
        late = any(takes_up(e) for e in after[rule.within :])
        asked = [e.turn.seq for e in conv.exchanges if e.turn.seq < d.turn.seq]
        prompted = bool(asked) and asked[-1] in asked_for
        reading.missed_items += 0.0 if (late and prompted) else 0.5 if late else 1.0
        if not late:
            reading.missed.append((d.turn, d.quote))


def _takes_up(e: Exchange, answering: set[int], wanted: ExampleSet, quote: str) -> bool:
    return e.turn.seq in answering or any(
        find(wanted, s.text, quote) or _picks_up(s.text, quote) for s in sentences(e.turn.text)
    )


def _picks_up(sentence: str, disclosure: str) -> bool:
    """The sentence names what the disclosure said: two of its content words, or, for a short
    disclosure of at most three ("A box of old tablets."), one of them."""
    shared = overlap(sentence, disclosure)
    return len(shared) >= (1 if len(content_stems(disclosure)) <= 3 else 2)


def read_criterion(
    criterion: CriterionDef,
    conv: Conversation,
    resp: Responsiveness,
    rubric_aspects: Sequence[Aspect] = (),
    crisis_steps: Mapping[str, tuple[int, str]] | None = None,
) -> CriterionReading:
    """`rubric_aspects`: every aspect of the rubric, each one's examples the others' rivals;
    `crisis_steps`: the crisis layer's steps done, each its (turn, sentence)."""
    reading = CriterionReading()
    shown: list[tuple[Aspect, int]] = []
    # aspects found by their examples first: a step of the crisis layer then shows its aspect
    # only in a sentence no other aspect of the criterion has
    by_examples = sorted(criterion.aspects, key=lambda a: a.step is not None)
    claimed: set[tuple[int, str]] = set()
    for aspect in by_examples:
        rivals = [of(a.examples) for a in rubric_aspects if a is not aspect]
        found = _find_aspect(aspect, conv, resp, reading, rivals, crisis_steps or {}, claimed)
        reading.candidates += found
        claimed |= {(c.seq, c.quote) for c in found}
        shown += [(aspect, c.seq) for c in found]
    by_seq = {e.turn.seq: e for e in conv.exchanges}
    for move, weight in _skill_moves(criterion, resp):
        e = by_seq[move.seq]
        fit = weight + 0.5 * _responsive(move.sentence.text, e)
        nxt = conv.exchanges[e.index + 1].turn.seq if e.index + 1 < len(conv.exchanges) else None
        asked = is_question(move.sentence)
        reading.candidates.append(
            Candidate(move.seq, move.sentence.text, weight, fit, nxt if asked else None)
        )
    _follow_ups(criterion, conv, reading, shown)
    if {"reflection", "complex_reflection"} & set(criterion.skills):
        reading.roadblocks = resp.roadblocks
    return reading


def _roadblock_note(moves: list[Move], client_name: str) -> str:
    """Why warm lines did not count: the first reassurance or praise said where a reflection
    was wanted."""
    for m in moves[:1]:
        kind = roadblock(m.sentence.text) or ""
        return (
            f' Turn {m.seq} ("{short(m.sentence.text, 60)}") {SAYS.get(kind, "answers")} rather'
            f" than saying back what {client_name} felt, so it is not a reflection."
        )
    return ""


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
    else the client turn disclosing the alternative's `after` (a fact id or kind), else the
    first or last client turn that says something (a curt 'I guess' teaches nothing)."""
    if reading.missed:
        return reading.missed[0]
    alt = criterion.better_alternative
    client = [t for t in conv.turns if t.speaker == "client"]
    if alt is None or not client:
        return None
    disclosed = conv.first_disclosure(alt.after) if alt.after else None
    if disclosed is not None:
        return disclosed.turn, disclosed.quote
    ordered = client if alt.fallback == "first" else list(reversed(client))
    for turn in ordered:
        if len(words(_longest(turn))) >= 4:
            return turn, _longest(turn)
    return ordered[0], _longest(ordered[0])


def score_criterion(
    criterion: CriterionDef,
    reading: CriterionReading,
    conv: Conversation,
    flags_present: set[str],
    client_name: str,
    tainted: Tainted,
) -> CriterionResult:
    clean = creditable(reading.candidates, tainted)
    earned = sum(c.weight for c in clean)  # a sentence may show two aspects: both count
    candidates = distinct(clean)
    rating = _rating(criterion, earned - reading.missed_items)
    if rating == "not_met" and earned >= criterion.partly_at:
        rating = "partly"  # negative evidence lowers a rating but never hides what was done
    spoilers = sorted(flags_present & set(criterion.spoiled_by))
    if spoilers:
        rating = _LOWER[rating]
    evidence = quoted(candidates) if rating != "not_met" else []
    feedback = getattr(criterion.feedback, rating)
    if evidence:
        # two quotes from one turn name it once
        where = ", ".join(f"turn {seq}" for seq in dict.fromkeys(ev.seq for ev in evidence))
        feedback += f" (Seen at {where}.)"
    for turn, said in reading.missed[:1]:
        feedback += (
            f' At turn {turn.seq} {client_name} said "{short(said, 80)}" and it was not taken up.'
        )
    if rating != "met":
        feedback += shortfall(reading.candidates, tainted)
        feedback += _roadblock_note(reading.roadblocks, client_name)
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
        evidence=evidence,
        feedback=feedback,
        better_alternative=better,
    )
