"""Red flags: harmful or MI-inconsistent moves, each reported with the turn, a verbatim quote
and why it matters. Critical ones cap the session below the pass mark (see scoring.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.contracts.evaluation import RedFlag
from core.scenarios.schema import RubricDef
from core.semantic import ExampleSet
from evaluation.conversation import Conversation, Exchange, overlap
from evaluation.crisis.reading import assesses_risk
from evaluation.listening import read_unheard, said_nothing_back
from evaluation.meaning import LANGUAGE, find, flagged, of
from evaluation.negation import clause_negated
from evaluation.redflag_library import BUILTIN_RED_FLAGS, RedFlagDef, custom_flag
from evaluation.responsiveness import FEELING, Responsiveness
from evaluation.text import sentences
from evaluation.voice import their_view

# "People keep telling you he's in a better place" reports the cliché; it does not use it.
_REPORTED = re.compile(
    r"\b(people|they|others|everyone|folks|someone|anyone|he|she|your \w+) (keep|keeps|kept|"
    r"have been|has been|might|may|would|often|always)? ?(say|says|said|saying|tell|tells|told|"
    r"telling)\b|\b(saying|said|says|called it)\b|\bwhen (people|they|others|someone) (say|tell)\b|\byou('ve| have) (heard|been "
    r"told)\b|\bbeing told\b|\bphrases? like\b|\bcomments? like\b|\bwords like\b|\""
    # one option among others, offered: "Some people find it helps to keep busy, others..."
    r"|\bsome (people|parents|students|folks|of us) (find|say|feel)\b",
    re.I,
)
# How a trainee takes up a disclosure beyond the library's examples: staying with it.
_TAKE_UP = re.compile(
    r"\b(those thoughts|these thoughts|that thought|thoughts like|feel(ing)? (this|that) way|"
    r"say (more|a bit more)|tell me more|how often|how long have you|when you say|appreciate|"
    r"honest\w*|thank\w*|right now|tonight|safe|safety)\b",
    re.I,
)


@dataclass(frozen=True)
class FlagHit:
    flag: RedFlagDef
    seq: int
    quote: str


def flag_definitions(rubric: RubricDef) -> list[RedFlagDef]:
    """The built-ins the rubric chose, then the scenario's own."""
    chosen = set(rubric.red_flags)
    return [f for f in BUILTIN_RED_FLAGS if f.id in chosen] + [
        custom_flag(f) for f in rubric.custom_red_flags
    ]


def _cue_hits(flag: RedFlagDef, e: Exchange) -> list[FlagHit]:
    client_words = e.before.text.lower() if e.before else ""
    for s in sentences(e.turn.text):
        for p in flag.compiled:
            m = p.search(s.text)
            if not m:
                continue
            if flag.id != "moralising_labelling" and m.group(0).lower() in client_words:
                continue  # echoing the client's own words back is not using them
            before = s.text[: m.start()]
            if (
                _REPORTED.search(before)
                or their_view(s.text, m.start())
                or clause_negated(s.text, m.start())
            ):
                continue
            return [FlagHit(flag, e.turn.seq, s.text)]
        if (
            flag.examples is not None
            and flagged(flag.examples, s.text)
            and not _REPORTED.search(s.text)
        ):
            return [FlagHit(flag, e.turn.seq, s.text)]
    return []


_NO_INTENT = re.compile(
    r"\b(wouldn't|would not|won't|couldn't|could not) (do|act|go through|hurt)|\bno plan\b|"
    r"\bnot (going to|planning to) (do|act)\b|\bnever (do|act on)\b|\bnot a plan\b|"
    r"\bI (wouldn't|would not|won't|couldn't)\.",
    re.I,
)


def _asks_key(e: Exchange, key: Sequence[ExampleSet]) -> bool:
    return any(find(k, s.text) for k in key for s in sentences(e.turn.text))


def _takes_up(e: Exchange, disclosure: str, key: Sequence[ExampleSet]) -> bool:
    """Staying with a disclosure: any step of a risk assessment (means, intent, plan, history,
    what holds them here, safety), the library's take-up language, or the disclosure's words."""
    return (
        bool(_TAKE_UP.search(e.turn.text))
        or assesses_risk(e.turn)
        or any(p.search(e.turn.text) for p in LANGUAGE["take_up"].hints)
        or any(find(LANGUAGE["take_up"].examples, s.text) for s in sentences(e.turn.text))
        or _asks_key(e, key)
        or len(overlap(e.turn.text, disclosure)) >= 2
    )


def _ignored(
    flag: RedFlagDef,
    conv: Conversation,
    dismissers: Sequence[RedFlagDef],
    key: Sequence[ExampleSet],
) -> list[FlagHit]:
    """A disclosure is ignored when the reply dismisses it, or changes the subject: neither the
    reply nor - when the reply at least stays with the client's feelings - the turn after it
    takes the disclosure up. An answer to the trainee's own direct question that rules out
    intent ("...but I wouldn't do anything") has been asked about already."""
    hits = []
    for d in conv.disclosures:
        if d.kind != flag.disclosure:
            continue
        later = [e for e in conv.exchanges if e.turn.seq > d.turn.seq][:2]
        if not later:
            continue
        reply = later[0]
        if any(_cue_hits(f, reply) for f in dismissers):
            hits.append(FlagHit(flag, reply.turn.seq, sentences(reply.turn.text)[0].text))
            continue
        asked = [e for e in conv.exchanges if e.after is d.turn]
        if asked and _asks_key(asked[0], key) and _NO_INTENT.search(d.turn.text):
            continue
        if _takes_up(reply, d.quote, key):
            continue
        # an answer to the trainee's own risk question: the risk is on the table by their
        # asking, so a reply that neither dismisses it nor asks about something else (the
        # subject changed) stays with it ("You've been holding that alone.")
        elicited = bool(asked) and (assesses_risk(asked[0].turn) or _asks_key(asked[0], key))
        if elicited and not any(x.is_question for x in sentences(reply.turn.text)):
            continue
        stays = bool(overlap(reply.turn.text, d.turn.text)) or bool(FEELING.search(reply.turn.text))
        if stays and len(later) > 1 and _takes_up(later[1], d.quote, key):
            continue
        hits.append(FlagHit(flag, reply.turn.seq, sentences(reply.turn.text)[0].text))
    return hits


# The flags whose cues, in the reply to a disclosure, dismiss it
DISMISSER_IDS = frozenset({"minimising", "cliche_false_reassurance"})


def detect_red_flags(
    rubric: RubricDef,
    conv: Conversation,
    resp: Responsiveness,
    negated: Sequence[tuple[int, str]],
) -> list[FlagHit]:
    flags = flag_definitions(rubric)
    dismissers = [f for f in flags if f.id in DISMISSER_IDS]
    trainee_turns = len(conv.exchanges)
    hits: list[FlagHit] = []
    for flag in flags:
        if flag.kind == "pattern":
            for e in conv.exchanges:
                if flag.after is None or conv.disclosed_before(flag.after, e.turn.seq):
                    hits += _cue_hits(flag, e)
        elif flag.kind == "ignored_disclosure":
            key = [of(a.examples) for c in rubric.criteria for a in c.aspects if a.key]
            hits += _ignored(flag, conv, dismissers, key)
        elif flag.kind == "negated_key_question":
            hits += [FlagHit(flag, seq, quote) for seq, quote in negated]
        elif flag.kind == "advice_without_permission":
            hits += [FlagHit(flag, m.seq, m.sentence.text) for m in resp.advice]
        elif flag.kind == "parroting":
            turns = sorted({m.seq for m in resp.parrots})
            if len(turns) >= 2 and len(turns) >= trainee_turns / 3:
                first = resp.parrots[0]
                hits.append(FlagHit(flag, first.seq, first.sentence.text))
        elif flag.kind == "formulaic" and resp.formulaic_turns:
            seq = resp.formulaic_turns[0]
            turn = next(e.turn for e in conv.exchanges if e.turn.seq == seq)
            hits.append(FlagHit(flag, seq, sentences(turn.text)[0].text))
        elif flag.kind == "question_stacking" and resp.stacked_turns:
            seq = resp.stacked_turns[0]
            turn = next(e.turn for e in conv.exchanges if e.turn.seq == seq)
            quote = next((s.text for s in sentences(turn.text) if s.is_question), turn.text)
            hits.append(FlagHit(flag, seq, quote))
        elif flag.kind == "not_listening":
            hits += [FlagHit(flag, u.seq, u.quote) for u in read_unheard(conv)]
        elif flag.kind == "nothing_said_back":
            interview = said_nothing_back(conv, resp.reflections)
            if interview is not None:
                hits.append(FlagHit(flag, interview.seq, interview.quote))
    # one report per flag and turn, in conversation order
    unique = {(h.flag.id, h.seq): h for h in hits}
    return sorted(unique.values(), key=lambda h: (h.seq, h.flag.id))


def pervasive(hit: FlagHit, resp: Responsiveness, trainee_turns: int) -> bool:
    """Mechanical technique in most turns is as disqualifying as one harmful move."""
    if hit.flag.kind == "parroting":
        return len({m.seq for m in resp.parrots}) * 2 >= trainee_turns
    if hit.flag.kind == "question_stacking":
        return len(resp.stacked_turns) >= 2 and len(resp.stacked_turns) * 3 >= trainee_turns
    return False


def to_contract(hits: Sequence[FlagHit], resp: Responsiveness, trainee_turns: int) -> list[RedFlag]:
    return [
        RedFlag(
            id=h.flag.id,
            title=h.flag.title,
            critical=h.flag.critical or pervasive(h, resp, trainee_turns),
            seq=h.seq,
            quote=h.quote,
            why=h.flag.why,
        )
        for h in hits
    ]
