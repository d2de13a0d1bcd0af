"""The scenario library: the YAML schema, loading with errors that name file and field, and an
idempotent import (same content -> same version; changed content -> a new version)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Scenario
from core.errors import ScenarioError

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

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent.parent / "scenarios"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return patterns


class CriterionFeedback(_Strict):
    met: str = Field(min_length=1)
    partly: str = Field(min_length=1)
    not_met: str = Field(min_length=1)


class Aspect(_Strict):
    """One thing a criterion asks for, found in a trainee sentence of the right form.

    `topic` guards against rubric words used in an unrelated sense: the sentence or the client
    turn it answers must also touch the topic. `after` makes the aspect count only once the
    client has disclosed something of that kind (e.g. `risk`). A `key` aspect asked in a
    negated or leading way ("you're not ..., are you?") is a red flag, not evidence."""

    name: str = Field(min_length=1)
    cues: list[str] = Field(min_length=1, description="regexes over one trainee sentence")
    form: Form = "any"
    topic: list[str] = []
    after: str | None = None
    key: bool = False
    max_count: int = Field(1, ge=1, description="count it in up to this many different turns")
    topic_in: Literal["window", "sentence"] = Field(
        "window", description="window: the sentence and the client turn it answers"
    )

    _cues = field_validator("cues", "topic")(_check_patterns)


class FollowUp(_Strict):
    """A client disclosure the criterion depends on: when the client says it, one of the
    trainee's next `within` turns should take it up, or it counts against the criterion."""

    name: str = Field(min_length=1)
    client: list[str] = Field(min_length=1, description="regexes over a client turn")
    trainee: list[str] = Field(min_length=1, description="regexes that show the follow-up")
    within: int = Field(2, ge=1)

    _patterns = field_validator("client", "trainee")(_check_patterns)


class BetterAlternative(_Strict):
    """What the trainee could have said, anchored to the first client turn matching `when`
    (or, without a match, to the first or last client turn)."""

    say: str = Field(min_length=1)
    when: list[str] = []
    fallback: Literal["first", "last"] = "first"

    _when = field_validator("when")(_check_patterns)


class CriterionDef(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    weight: float = Field(gt=0)
    description: str = Field(min_length=1)
    evidence: str = Field(min_length=1, description="what counts as evidence, in words")
    aspects: list[Aspect] = []
    patterns: list[str] = Field([], description="v1 rubrics: each regex is an aspect")
    skills: list[SkillName] = []
    met_at: int = Field(2, ge=1, description="evidence items needed for 'met'")
    partly_at: int = Field(1, ge=1)
    follow_up: list[FollowUp] = []
    spoiled_by: list[str] = Field([], description="red flag ids that lower this criterion")
    better_alternative: BetterAlternative | None = None
    feedback: CriterionFeedback

    _patterns = field_validator("patterns")(_check_patterns)

    @model_validator(mode="after")
    def _detectable(self) -> CriterionDef:
        if not self.patterns and not self.skills and not self.aspects:
            raise ValueError("a criterion needs aspects, patterns or skills to detect evidence")
        if self.partly_at > self.met_at:
            raise ValueError("partly_at must not exceed met_at")
        return self


RedFlagKind = Literal[
    "pattern",  # cues in a trainee sentence (reported speech and negation understood)
    "ignored_disclosure",  # a client disclosure the next trainee turn does not take up
    "means_encouraged",  # cues, only after the client mentioned means
    "negated_key_question",  # a key aspect asked negated, leading or undone
    "parroting",  # most turns copy the client's words back
    "formulaic",  # one opener formula in most turns
    "question_stacking",  # 3+ questions in one turn, answers not taken up
    "advice_without_permission",
]


class RedFlagDef(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    critical: bool = False
    kind: RedFlagKind = "pattern"
    cues: list[str] = []
    disclosure: str | None = Field(None, description="disclosure kind (ignored_disclosure)")

    _cues = field_validator("cues")(_check_patterns)

    @model_validator(mode="after")
    def _complete(self) -> RedFlagDef:
        if self.kind in ("pattern", "means_encouraged") and not self.cues:
            raise ValueError(f"a {self.kind!r} red flag needs cues")
        if self.kind == "ignored_disclosure" and not self.disclosure:
            raise ValueError("an ignored_disclosure red flag names its disclosure kind")
        return self


class Rubric(_Strict):
    pass_mark: float = Field(ge=0, le=100)
    criteria: list[CriterionDef] = Field(min_length=5)
    red_flags: list[RedFlagDef] = Field([], description="added to (or overriding) the built-ins")
    disclosures: dict[str, list[str]] = Field(
        {}, description="extra client cues per disclosure kind (e.g. risk, means)"
    )

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, criteria: list[CriterionDef]) -> list[CriterionDef]:
        ids = [c.id for c in criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criterion ids must be unique")
        return criteria

    @field_validator("red_flags")
    @classmethod
    def _unique_flags(cls, flags: list[RedFlagDef]) -> list[RedFlagDef]:
        ids = [f.id for f in flags]
        if len(ids) != len(set(ids)):
            raise ValueError("red flag ids must be unique")
        return flags

    @field_validator("disclosures")
    @classmethod
    def _disclosure_patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            _check_patterns(patterns)
        return value


class Persona(_Strict):
    name: str = Field(min_length=1)
    prompt: str = Field(min_length=40)
    opening_line: str = Field(min_length=1)


class ScriptRule(_Strict):
    id: str = Field(min_length=1)
    when: list[str] = Field(min_length=1, description="regexes over the trainee's utterance")
    replies: list[str] = Field(min_length=1)
    stages: list[str] = Field([], description="stages the rule applies in; empty = any")
    next_stage: str | None = None

    _when = field_validator("when")(_check_patterns)


class Script(_Strict):
    stages: list[str] = Field(min_length=1, description="the first is where the client starts")
    rules: list[ScriptRule] = Field(min_length=3)
    fallbacks: dict[str, list[str]] = Field(description="per stage, or 'default'")
    closing: str = Field(min_length=1)

    @model_validator(mode="after")
    def _stages_known(self) -> Script:
        known = set(self.stages)
        for rule in self.rules:
            for stage in [*rule.stages, *([rule.next_stage] if rule.next_stage else [])]:
                if stage not in known:
                    raise ValueError(f"rule {rule.id!r} names unknown stage {stage!r}")
        if "default" not in self.fallbacks:
            raise ValueError("fallbacks needs a 'default' list")
        return self


class Demo(_Strict):
    trainee_lines: list[str] = Field(min_length=3)


class ScenarioDef(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")
    title: str = Field(min_length=1, max_length=200)
    difficulty: Literal["beginner", "intermediate", "advanced"]
    summary: str = Field(min_length=1)
    briefing: str = Field(min_length=40)
    persona: Persona
    rubric: Rubric
    script: Script
    demo: Demo

    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _format_error(path: Path, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(document)"
        lines.append(f"{path}: field '{where}': {err['msg']}")
    return "\n".join(lines)


def load_scenario_file(path: Path) -> ScenarioDef:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: field '(document)': expected a mapping at the top level")
    try:
        return ScenarioDef.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_error(path, exc)) from exc


def load_library(directory: Path = DEFAULT_LIBRARY) -> list[ScenarioDef]:
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise ScenarioError(f"{directory}: no scenario files (*.yaml)")
    scenarios: list[ScenarioDef] = []
    errors: list[str] = []
    for path in files:
        try:
            scenarios.append(load_scenario_file(path))
        except ScenarioError as exc:
            errors.append(str(exc))
    slugs = [s.slug for s in scenarios]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        errors.append(f"{directory}: duplicate slugs {dupes}")
    if errors:
        raise ScenarioError("\n".join(errors))
    return scenarios


@dataclass(frozen=True)
class ImportResult:
    slug: str
    version: int
    created: bool


async def import_scenarios(db: AsyncSession, scenarios: list[ScenarioDef]) -> list[ImportResult]:
    """Insert new versions only for changed content; the caller commits."""
    results: list[ImportResult] = []
    for definition in scenarios:
        digest = definition.content_hash()
        existing = await db.scalar(
            select(Scenario.version).where(
                Scenario.slug == definition.slug, Scenario.content_hash == digest
            )
        )
        if existing is not None:
            results.append(ImportResult(definition.slug, existing, created=False))
            continue
        latest = await db.scalar(
            select(func.max(Scenario.version)).where(Scenario.slug == definition.slug)
        )
        version = (latest or 0) + 1
        db.add(
            Scenario(
                slug=definition.slug,
                version=version,
                title=definition.title,
                difficulty=definition.difficulty,
                summary=definition.summary,
                briefing=definition.briefing,
                persona_prompt=definition.persona.prompt,
                opening_line=definition.persona.opening_line,
                pass_mark=definition.rubric.pass_mark,
                rubric=definition.rubric.model_dump(mode="json"),
                definition=definition.model_dump(mode="json"),
                content_hash=digest,
            )
        )
        await db.flush()
        results.append(ImportResult(definition.slug, version, created=True))
    return results
