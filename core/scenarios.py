"""The scenario library: the YAML schema, loading with errors that name file and field, and an
idempotent import (same content -> same version; changed content -> a new version)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "scenarios"


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


class CriterionDef(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    weight: float = Field(gt=0)
    description: str = Field(min_length=1)
    evidence: str = Field(min_length=1, description="what counts as evidence, in words")
    patterns: list[str] = []
    skills: list[SkillName] = []
    met_at: int = Field(2, ge=1, description="evidence turns needed for 'met'")
    partly_at: int = Field(1, ge=1)
    feedback: CriterionFeedback

    _patterns = field_validator("patterns")(_check_patterns)

    @model_validator(mode="after")
    def _detectable(self) -> CriterionDef:
        if not self.patterns and not self.skills:
            raise ValueError("a criterion needs patterns or skills to detect its evidence")
        if self.partly_at > self.met_at:
            raise ValueError("partly_at must not exceed met_at")
        return self


class Rubric(_Strict):
    pass_mark: float = Field(ge=0, le=100)
    criteria: list[CriterionDef] = Field(min_length=5)

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, criteria: list[CriterionDef]) -> list[CriterionDef]:
        ids = [c.id for c in criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criterion ids must be unique")
        return criteria


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
