"""Authoring: a supervisor or admin creates a draft, edits it, publishes it, archives the
scenario; a built-in is edited as a copy. Every published version is immutable: editing one
makes the next version (a draft), so a session keeps the version it started on and its
evaluation never changes. Each write is one transaction with its audit event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import Auditor
from api.scenarios.queries import readable
from core.db.models import Scenario
from core.errors import BadRequest, Conflict, NotFound
from core.scenarios.library import content_hash, row_values
from core.scenarios.schema import ScenarioDoc
from core.scenarios.validate import publish_problems
from core.security import Principal


class ScenarioLocked(Conflict):
    type = "scenario_locked"


async def readable_version(db: AsyncSession, user: Principal, scenario_id: uuid.UUID) -> Scenario:
    scenario = await db.scalar(select(Scenario).where(Scenario.id == scenario_id, readable(user)))
    if scenario is None:
        raise NotFound("scenario not found")
    return scenario


async def _own(db: AsyncSession, user: Principal, scenario_id: uuid.UUID) -> Scenario:
    """A version the caller's organisation may change (a built-in is read-only: copy it)."""
    scenario = await readable_version(db, user, scenario_id)
    if scenario.org_id is None:
        raise ScenarioLocked("a built-in scenario is edited as a copy (POST it under a new slug)")
    return scenario


async def create(db: AsyncSession, audit: Auditor, doc: ScenarioDoc) -> Scenario:
    """A new scenario, version 1, a draft (it may be incomplete). Delivered twice (same author,
    same document) it is the same draft."""
    user = audit.user
    taken = await db.scalar(select(Scenario).where(Scenario.slug == doc.slug).limit(1))
    if taken is not None:
        repeat = (
            taken.created_by == user.id
            and taken.org_id == user.org
            and taken.content_hash == content_hash(doc)
        )
        if repeat:
            return taken
        raise Conflict(f"slug: the slug {doc.slug!r} is taken; choose another")
    scenario = Scenario(
        version=1, status="draft", org_id=user.org, created_by=user.id,
        updated_at=datetime.now(UTC), **row_values(doc),
    )  # fmt: skip
    db.add(scenario)
    await db.flush()
    audit.add("scenario.create", "scenario", scenario.id)
    await db.commit()
    return scenario


async def edit(
    db: AsyncSession, audit: Auditor, scenario_id: uuid.UUID, doc: ScenarioDoc
) -> Scenario:
    """A draft changes in place; a published version stays and the edit is the next version,
    a draft; an unchanged document changes nothing."""
    scenario = await _own(db, audit.user, scenario_id)
    if doc.slug != scenario.slug:
        raise BadRequest("slug: a scenario's slug does not change")
    if scenario.status == "archived":
        raise ScenarioLocked("this scenario is archived")
    digest = content_hash(doc)
    if digest == scenario.content_hash:
        return scenario
    same = await db.scalar(
        select(Scenario).where(Scenario.slug == doc.slug, Scenario.content_hash == digest)
    )
    if same is not None:  # back to what an earlier version said: that version it is
        return same
    now = datetime.now(UTC)
    if scenario.status == "draft":
        for column, value in row_values(doc).items():
            setattr(scenario, column, value)
        scenario.updated_at = now
        target = scenario
    else:
        latest = await db.scalar(
            select(func.max(Scenario.version)).where(Scenario.slug == doc.slug)
        )
        target = Scenario(
            version=(latest or 0) + 1, status="draft", org_id=scenario.org_id,
            created_by=audit.user.id, updated_at=now, **row_values(doc),
        )  # fmt: skip
        db.add(target)
        await db.flush()
    audit.add("scenario.edit", "scenario", target.id)
    await db.commit()
    return target


async def publish(db: AsyncSession, audit: Auditor, scenario_id: uuid.UUID) -> Scenario:
    scenario = await _own(db, audit.user, scenario_id)
    if scenario.status == "published":
        return scenario  # publishing twice publishes once
    if scenario.status == "archived":
        raise ScenarioLocked("this scenario is archived")
    problems = publish_problems(ScenarioDoc.model_validate(scenario.definition))
    if problems:
        raise BadRequest(
            "; ".join(f"{p.path}: {p.message}" for p in problems),
            problems=[(p.path, p.message) for p in problems],
        )
    scenario.status = "published"
    scenario.updated_at = datetime.now(UTC)
    audit.add("scenario.publish", "scenario", scenario.id)
    await db.commit()
    return scenario


async def archive(db: AsyncSession, audit: Auditor, scenario_id: uuid.UUID) -> Scenario:
    """Retires the scenario (every version): no new attempt starts on it; past attempts keep
    their version and evaluation."""
    scenario = await _own(db, audit.user, scenario_id)
    if scenario.status != "archived":
        await db.execute(
            update(Scenario)
            .where(Scenario.slug == scenario.slug)
            .values(status="archived", updated_at=datetime.now(UTC))
        )
        audit.add("scenario.archive", "scenario", scenario.id)
        await db.commit()
        await db.refresh(scenario)
    return scenario


async def versions(db: AsyncSession, user: Principal, scenario_id: uuid.UUID) -> list[Scenario]:
    scenario = await readable_version(db, user, scenario_id)
    rows = await db.scalars(
        select(Scenario)
        .where(Scenario.slug == scenario.slug, readable(user))
        .order_by(Scenario.version)
    )
    return list(rows)
