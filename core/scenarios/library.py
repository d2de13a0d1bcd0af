"""The scenario library: the folder of YAML files, loaded and checked for publishing, and an
idempotent import into the database (same content -> same version; changed content -> a new
version)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Scenario
from core.errors import ScenarioError
from core.scenarios.parse import parse_file, parse_mapping
from core.scenarios.prompt import persona_prompt
from core.scenarios.schema import ScenarioDoc
from core.scenarios.validate import publish_problems

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent.parent / "scenarios"


def content_hash(doc: ScenarioDoc) -> str:
    canonical = json.dumps(doc.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def row_values(doc: ScenarioDoc) -> dict[str, Any]:
    """The columns of a scenario version row derived from its document (import and authoring)."""
    return {
        "slug": doc.slug,
        "title": doc.title,
        "difficulty": doc.difficulty,
        "summary": doc.summary,
        "briefing": doc.briefing,
        "persona_prompt": persona_prompt(doc.persona),
        "opening_line": doc.persona.opening_line,
        "pass_mark": doc.rubric.pass_mark,
        "rubric": doc.rubric.model_dump(mode="json"),
        "definition": doc.model_dump(mode="json"),
        "content_hash": content_hash(doc),
    }


def load_scenario_file(path: Path) -> ScenarioDoc:
    """A library file: it must parse and be ready to publish."""
    doc = parse_file(path)
    problems = publish_problems(doc)
    if problems:
        raise ScenarioError("\n".join(f"{path}: {p}" for p in problems))
    return doc


def load_library(directory: Path = DEFAULT_LIBRARY) -> list[ScenarioDoc]:
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        raise ScenarioError(f"{directory}: no scenario files (*.yaml)")
    scenarios: list[ScenarioDoc] = []
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


def to_yaml(doc: ScenarioDoc) -> str:
    """The scenario as a library file: every field in the format's order, so export -> import ->
    export gives the same bytes."""
    dumped: str = yaml.safe_dump(
        doc.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )
    return dumped


def load_scenarios(path: Path) -> list[ScenarioDoc]:
    """One scenario file, or every file of a library folder."""
    return [load_scenario_file(path)] if path.is_file() else load_library(path)


async def stored_scenario(
    db: AsyncSession, slug: str, version: int | None = None
) -> ScenarioDoc | None:
    """A stored version as its document: `version`, or the newest published one."""
    q = select(Scenario).where(Scenario.slug == slug)
    q = q.where(Scenario.version == version) if version else q.where(Scenario.status == "published")
    row = await db.scalar(q.order_by(Scenario.version.desc()).limit(1))
    return parse_mapping(row.definition, f"{slug} v{row.version}") if row else None


async def import_scenarios(db: AsyncSession, scenarios: list[ScenarioDoc]) -> list[ImportResult]:
    """Insert new versions only for changed content; the caller commits. A new version of an
    organisation's scenario stays that organisation's (a slug never changes owner)."""
    results: list[ImportResult] = []
    for doc in scenarios:
        digest = content_hash(doc)
        existing = await db.scalar(
            select(Scenario.version).where(
                Scenario.slug == doc.slug, Scenario.content_hash == digest
            )
        )
        if existing is not None:
            results.append(ImportResult(doc.slug, existing, created=False))
            continue
        latest = (
            await db.execute(
                select(Scenario.version, Scenario.org_id)
                .where(Scenario.slug == doc.slug)
                .order_by(Scenario.version.desc())
                .limit(1)
            )
        ).first()
        version = (latest.version if latest else 0) + 1
        org = latest.org_id if latest else None
        db.add(Scenario(version=version, org_id=org, **row_values(doc)))
        await db.flush()
        results.append(ImportResult(doc.slug, version, created=True))
    return results
