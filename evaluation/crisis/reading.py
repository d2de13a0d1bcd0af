"""The conversation as the crisis layer reads it: which client sentences are warning signs and
which name a means (and which means). What each trainee sentence does is read in `acts.py`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.contracts.conversation import Turn
from core.semantic import similarity
from evaluation.crisis import vocabulary as v
from evaluation.crisis.acts import asks_directly, assesses
from evaluation.crisis.examples import example_set
from evaluation.negation import clause_negated
from evaluation.text import read_in_context, sentences

# for a client warning sign: how much nearer the warning-sign examples than their near misses,
# and how near to the nearest example at all
NEAR_SIGN = 0.3
SIGN_FLOOR = 0.7


@dataclass(frozen=True)
class CrisisProfile:
    """What the scenario declares: its risk profile, the means its client has (persona facts of
    kind `means`), and its client's own risk disclosures (facts of kind `risk`)."""

    risk_profile: str = "none"
    means: tuple[str, ...] = ()
    risk_says: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # where the means is kept: a way back to it, not the means


def crisis_profile(definition: Mapping[str, Any]) -> CrisisProfile:
    """From a scenario document as stored (format 2 keys; absent keys mean no declaration)."""
    facts = (definition.get("persona") or {}).get("facts") or []
    means = tuple(
        dict.fromkeys(
            w for f in facts if f.get("kind") == "means" for w in v.means_terms(f.get("means", ""))
        )
    )
    places = tuple(
        dict.fromkeys(
            w for f in facts if f.get("kind") == "means" for w in v.means_places(f.get("means", ""))
        )
    )
    says = tuple(s for f in facts if f.get("kind") == "risk" for s in f.get("says", []))
    return CrisisProfile(str(definition.get("risk_profile") or "none"), means, says, places)


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


_FRAME = re.compile(
    r"^\W*((honestly|to be honest|truthfully|i mean|like|and|but|so|well|sometimes|some (nights|days|"
    r"mornings)|most (nights|days)|lately|these days|at night|at times|i guess|i think)\W+)+",
    re.I,
)
# "No." / "No, I wouldn't." / "Never." deny; "No reason to be around." is a sign, not a denial.
_DENIED_SIGN = re.compile(
    r"^\W*(nope|never|not really|god no|no(\W*$|\W*[,.!;-]|\s+(i|i'\w+|not|never|nothing)\b))", re.I
)


@dataclass
class CrisisReading:
    turns: list[Turn]
    profile: CrisisProfile
    means_re: re.Pattern[str]
    warning_signs: list[Said] = field(default_factory=list)
    means: list[tuple[Said, str]] = field(default_factory=list)  # client sentence, means named

    def refers_back(self, text: str) -> bool:
        """The sentence points back to a means named before: "it", "one of them", or the place
        the client keeps it ("in the drawer")."""
        places = self.profile.places
        return bool(v.BACK_REFERENCE.search(text)) or bool(
            places and v.means_pattern(places).search(text)
        )

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
    # without the frame a sign is often said in ("Honestly, some nights I ..."): the frame dilutes
    # a static embedding, it does not change what is said
    framed = _FRAME.sub("", text)
    for said in (text, framed) if framed.strip(" .,!?") and framed != text else (text,):
        if signs.nearest_positive(said) >= SIGN_FLOOR and signs.closeness(said) >= NEAR_SIGN:
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


def assesses_risk(turn: Turn) -> bool:
    """A trainee turn read on its own (no scenario's means): whether it assesses the risk."""
    reading = CrisisReading([turn], CrisisProfile(), v.means_pattern(v.MEANS_WORDS))
    return any(assesses(Said(turn, s.text), reading) for s in sentences(turn.text))
