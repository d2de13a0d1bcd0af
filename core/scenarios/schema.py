"""The scenario format, version 2: what an author (a supervisor in the console, or a YAML file)
writes. No regular expressions anywhere: behaviours are described in plain language with example
utterances that show them and near misses that do not; the client is a set of facts, each
unlocked by reaching its topic.

Drafts may be incomplete (every list may be empty); `core.scenarios.validate` says what a
scenario still lacks before it can be published. Field names are the authoring contract (REST
bodies, YAML files, the console's form)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.contracts.base import storable
from core.scenarios.redflag_ids import BUILTIN_RED_FLAG_IDS

Slug = str
SkillName = Literal[
    "open_question",
    "closed_question",
    "reflection",
    "complex_reflection",
    "affirmation",
    "summary",
    "permission_ask",
]
SKILL_NAMES: tuple[str, ...] = get_args(SkillName)
Form = Literal["question", "statement", "any"]
# The steps of a suicide-risk conversation the crisis-safety layer checks (evaluation/crisis/steps.py
# titles them, in this order). An aspect may name one: where the layer finds the step done, the
# aspect is shown there too, in whatever words (the standards' reading, not the examples').
CrisisStepId = Literal[
    "asked_directly",
    "means_capability",
    "intent_plan_timing",
    "buffers_connectedness",
    "safety_plan_or_referral",
    "follow_up",
]
CRISIS_STEP_IDS: tuple[str, ...] = get_args(CrisisStepId)
RiskProfile = Literal["none", "suicide"]
Difficulty = Literal["beginner", "intermediate", "advanced"]
# What a fact is, for the conversation's structure: a `risk` fact is a disclosure of suicidal
# thoughts, a `means` fact names a means the client has access to (the crisis checks follow what
# the trainee does with it), `protective` / `support` facts are buffers and connectedness.
FactKind = Literal["context", "feeling", "risk", "means", "history", "protective", "support"]
# What moves the client (read from the trainee's turn by the persona engine).
Opener = Literal["reflection", "validation", "open_question", "affirmation", "summary"]
# The forms of a trainee turn that may unlock a fact (the persona's rules): an open question,
# an accurate reflection, a closed question asked directly, a proposal ("could we ...?"),
# validation, a greeting, or a plain statement about it (condolence, "take all the time you
# need": what an author's statement ask shows).
Unlock = Literal[
    "open_question",
    "reflection",
    "closed_question",
    "proposal",
    "validation",
    "greeting",
    "statement",
]
Closer = Literal["lecture", "judgement", "advice", "reassurance", "stacked_questions", "rudeness"]

_ID = r"^[a-z][a-z0-9_]*$"
_TEXT = 2000  # one authored field (a line, a description)
_LONG = 8000  # a briefing or an identity


def _storable_strings(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list | tuple):
        for item in value:
            _storable_strings(item)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # A scenario arrives as a REST body too: text Postgres cannot store (NUL, lone surrogates)
    # is refused here, naming the field, as every contract does (core/contracts/base.py).
    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _storable_strings(value)


class Examples(_Strict):
    """Utterances that show the behaviour, and near misses (same words, different act)."""

    meets: list[str] = Field([], max_length=40)
    misses: list[str] = Field([], max_length=40)


class PersonaFact(_Strict):
    """Something the client knows and tells only when the trainee's turn reaches `topic`."""

    id: str = Field(pattern=_ID, max_length=60)
    kind: FactKind = "context"
    topic: str = Field("", max_length=_TEXT, description="what the trainee must reach, in words")
    asks: list[str] = Field([], max_length=20, description="trainee turns that reach the topic")
    says: list[str] = Field([], max_length=10, description="the disclosure, in several wordings")
    guarded: str = Field("", max_length=_TEXT, description="the answer to a closed question")
    needs_trust: bool = Field(False, description="only once the client has warmed up")
    after: list[str] = Field([], description="fact ids that must be disclosed first")
    means: str = Field("", max_length=200, description="for a means fact: what it is")
    unlocked_by: list[Unlock] | None = Field(
        None,
        description="turn forms that unlock it; default: an open question, an accurate "
        "reflection, and the forms of its own `asks` (closed asks: a direct question unlocks it)",
    )


class EmotionalState(_Strict):
    start: int = Field(1, ge=0, le=3, description="trust at the start: 0 closed .. 3 open")
    opens_up_after: list[Opener] = ["reflection", "validation", "open_question"]
    withdraws_after: list[Closer] = ["lecture", "judgement", "advice", "rudeness"]
    withdrawn: list[str] = Field([], max_length=10, description="lines when withdrawing")
    warm: list[str] = Field([], max_length=10, description="lines when feeling understood")
    neutral: list[str] = Field([], max_length=10, description="lines when no fact is reached")


class Ending(_Strict):
    """How the conversation ends well: once `after` facts are out and the trainee closes."""

    after: list[str] = Field([], description="fact ids that must be disclosed first")
    closing_line: str = Field("", max_length=_TEXT)
    cut_short_line: str = Field("", max_length=_TEXT, description="when the trainee ends early")


class PersonaDef(_Strict):
    name: str = Field("", max_length=100)
    identity: str = Field("", max_length=_LONG, description="who they are, in prose")
    style: str = Field("", max_length=_TEXT, description="how they speak")
    opening_line: str = Field("", max_length=_TEXT)
    facts: list[PersonaFact] = Field([], max_length=60)
    state: EmotionalState = EmotionalState()
    resistance: str = Field("", max_length=_TEXT, description="how they resist, in prose")
    ending: Ending = Ending()


class Aspect(_Strict):
    """One thing a criterion asks for, found in one trainee sentence."""

    name: str = Field(min_length=1, max_length=120)
    examples: Examples = Examples()
    form: Form = "any"
    after: str | None = Field(None, description="a fact id or kind the client disclosed first")
    key: bool = Field(False, description="asked leading or negated -> a critical red flag")
    max_count: int = Field(1, ge=1, le=20)
    step: CrisisStepId | None = Field(
        None, description="a crisis-safety step that, where the crisis checks find it, shows this"
    )


class FollowUp(_Strict):
    """When the client discloses fact/kind `after`, one of the next `within` trainee turns
    should take it up (examples show a take-up), or it counts against the criterion."""

    name: str = Field(min_length=1, max_length=120)
    after: str = Field(min_length=1, description="a fact id or kind")
    examples: Examples = Examples()
    within: int = Field(2, ge=1, le=10)


class BetterAlternative(_Strict):
    say: str = Field(min_length=1, max_length=_TEXT)
    after: str | None = Field(None, description="anchored to the client turn disclosing this")
    fallback: Literal["first", "last"] = "first"


class CriterionFeedback(_Strict):
    met: str = Field("", max_length=_TEXT)
    partly: str = Field("", max_length=_TEXT)
    not_met: str = Field("", max_length=_TEXT)


class CriterionDef(_Strict):
    id: str = Field(pattern=_ID, max_length=60)
    title: str = Field("", max_length=200)
    weight: float = Field(10, gt=0, le=100)
    description: str = Field("", max_length=_TEXT, description="the behaviour, plain language")
    evidence: str = Field("", max_length=_TEXT, description="what counts as evidence, in words")
    aspects: list[Aspect] = Field([], max_length=12)
    skills: list[SkillName] = []
    met_at: int = Field(2, ge=1, le=20)
    partly_at: int = Field(1, ge=1, le=20)
    follow_up: list[FollowUp] = Field([], max_length=8)
    spoiled_by: list[str] = Field([], description="red flag ids that lower this criterion")
    better_alternative: BetterAlternative | None = None
    feedback: CriterionFeedback = CriterionFeedback()


class CustomRedFlag(_Strict):
    """A scenario's own red flag: trainee utterances that are it (and near misses)."""

    id: str = Field(pattern=_ID, max_length=60)
    title: str = Field("", max_length=200)
    why: str = Field("", max_length=_TEXT, description="why it harms")
    better: str = Field("", max_length=_TEXT, description="what to say instead")
    critical: bool = False
    examples: Examples = Examples()
    after: str | None = Field(None, description="only once the client disclosed this")


class RubricDef(_Strict):
    pass_mark: float = Field(65, ge=0, le=100)
    criteria: list[CriterionDef] = Field([], max_length=20)
    red_flags: list[str] = Field([], description="ids chosen from the built-in library")

    @field_validator("red_flags", mode="after")
    @classmethod
    def _known(cls, ids: list[str]) -> list[str]:
        unknown = [i for i in ids if i not in BUILTIN_RED_FLAG_IDS]
        if unknown:  # a typo is not an incomplete draft: refused even there
            raise ValueError(f"not in the built-in red flag library: {', '.join(unknown)}")
        return ids

    custom_red_flags: list[CustomRedFlag] = Field([], max_length=20)


class Demo(_Strict):
    trainee_lines: list[str] = Field([], max_length=40)


class ScenarioDoc(_Strict):
    """A whole scenario as authored (format 2)."""

    format: Literal[2] = 2
    slug: Slug = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")
    title: str = Field("", max_length=200)
    difficulty: Difficulty = "intermediate"
    summary: str = Field("", max_length=_TEXT)
    briefing: str = Field("", max_length=_LONG)
    risk_profile: RiskProfile = "none"
    persona: PersonaDef = PersonaDef()
    rubric: RubricDef = RubricDef()
    demo: Demo = Demo()
