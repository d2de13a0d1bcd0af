"""Who reads which scenario versions: the one statement of it, and the library's listing."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from core.db.models import Scenario
from core.security import Principal


def readable(user: Principal) -> ColumnElement[bool]:
    """The built-ins (no organisation) for everyone, an organisation's own scenarios for its
    members; trainees read published versions only. Anything else is not found."""
    ours = or_(Scenario.org_id.is_(None), Scenario.org_id == user.org)
    if user.role == "trainee":
        return and_(ours, Scenario.status == "published")
    return ours


def library(user: Principal, *, drafts_too: bool) -> Select[Scenario]:
    """The newest readable version of each scenario: the newest published one, or with
    `drafts_too` (authors) the newest of any status."""
    where = readable(user) if drafts_too else and_(readable(user), Scenario.status == "published")
    newest = (
        select(
            Scenario.id,
            func.row_number()
            .over(partition_by=Scenario.slug, order_by=Scenario.version.desc())
            .label("rank"),
        )
        .where(where)
        .subquery()
    )
    return (
        select(Scenario)
        .join(newest, newest.c.id == Scenario.id)
        .where(newest.c.rank == 1)
        .order_by(Scenario.slug)
    )
