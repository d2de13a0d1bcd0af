"""Figures over many evaluations, computed in Postgres (never by loading evaluations into
Python): AI-vs-supervisor agreement over reviewed sessions, and a trainee's progress. Both only
count the sessions the caller may see (core.db.queries.visible_sessions); who may ask is
api/insights/service.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, column, func, literal, literal_column, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from core.contracts.rest_insights import (
    CriterionAgreement,
    CriterionTrend,
    EvaluationAgreement,
    RateFigure,
    RatingPoint,
    ScenarioProgress,
    SkillPoint,
    TraineeProgress,
)
from core.db.evaluations import is_reviewed
from core.db.models import EvaluationRow, Scenario, TrainingSession
from core.db.queries import visible_sessions
from core.security import Principal


def _rate(agreed: int, total: int) -> RateFigure:
    return RateFigure(agreed=agreed, total=total, rate=round(agreed / total, 4) if total else None)


def _elements(doc: Any, name: str) -> Any:
    """jsonb_array_elements(doc) as a lateral table with one jsonb column `value`."""
    return func.jsonb_array_elements(doc).table_valued(column("value", JSONB)).lateral(name)


async def agreement(
    db: AsyncSession, user: Principal, scenario: str | None, since: datetime | None
) -> EvaluationAgreement:
    """Per criterion: the share of reviewed sessions whose supervisor kept the AI's rating (no
    override with another rating); and how often the final pass/fail is the AI's."""
    where = [is_reviewed(), visible_sessions(user)]
    if scenario:
        where.append(Scenario.slug == scenario)
    if since:
        where.append(TrainingSession.created_at >= since)
    reviewed = (
        select(EvaluationRow)
        .join(TrainingSession, TrainingSession.id == EvaluationRow.session_id)
        .join(Scenario, Scenario.id == TrainingSession.scenario_id)
        .where(*where)
    )
    verdicts = reviewed.subquery()
    totals = (
        await db.execute(
            select(
                func.count(),
                func.count().filter(
                    verdicts.c.evaluation[("review", "passed")].as_boolean()
                    == verdicts.c.evaluation[("review", "ai_passed")].as_boolean()
                ),
            )
        )
    ).one()
    crit = _elements(EvaluationRow.evaluation["criteria"], "c")
    over = _elements(EvaluationRow.evaluation[("review", "overrides")], "o")
    changed = (
        select(literal(1))
        .select_from(over)
        .where(
            over.c.value["id"].astext == crit.c.value["id"].astext,
            over.c.value["ai_rating"].astext != over.c.value["rating"].astext,
        )
        .exists()
    )
    criterion_id = crit.c.value["id"].astext
    rows = (
        await db.execute(
            reviewed.with_only_columns(
                criterion_id,
                func.max(crit.c.value["title"].astext),
                func.count(),
                func.count().filter(~changed),
            )
            .join(crit, true())
            .group_by(criterion_id)
            .order_by(criterion_id)
        )
    ).all()
    return EvaluationAgreement(
        scenario=scenario,
        since=since,
        reviewed_sessions=totals[0],
        pass_fail=_rate(totals[1], totals[0]),
        criteria=[
            CriterionAgreement(criterion_id=cid, title=title, **_rate(agreed, total).model_dump())
            for cid, title, total, agreed in rows
        ],
    )


def _metric(name: str, integer: bool = False) -> Any:
    value = EvaluationRow.evaluation[("metrics", name)]
    return value.as_integer() if integer else value.as_float()


async def progress(db: AsyncSession, user: Principal, trainee_id: str) -> TraineeProgress:
    visible = and_(TrainingSession.user_id == trainee_id, visible_sessions(user))
    evaluated = EvaluationRow.id.is_not(None)

    def ordered(value: str, direction: str) -> Any:
        return literal_column(
            f"(array_agg({value} ORDER BY training_sessions.created_at {direction}, "
            "training_sessions.id) FILTER (WHERE evaluations.id IS NOT NULL))[1]"
        )

    per_scenario = (
        await db.execute(
            select(
                Scenario.slug,
                func.max(Scenario.title),
                func.count(TrainingSession.id),
                func.count(EvaluationRow.id),
                ordered("evaluations.overall_score", "ASC"),
                func.max(EvaluationRow.overall_score),
                ordered("evaluations.overall_score", "DESC"),
                func.coalesce(func.bool_or(EvaluationRow.passed), False),
                ordered("evaluations.passed", "DESC"),
            )
            .select_from(TrainingSession)
            .join(Scenario, Scenario.id == TrainingSession.scenario_id)
            .outerjoin(EvaluationRow, EvaluationRow.session_id == TrainingSession.id)
            .where(visible)
            .group_by(Scenario.slug)
            .order_by(Scenario.slug)
        )
    ).all()
    crit = _elements(EvaluationRow.evaluation["criteria"], "c")
    criterion_id = crit.c.value["id"].astext
    points = (
        await db.execute(
            select(
                criterion_id,
                crit.c.value["title"].astext,
                TrainingSession.id,
                TrainingSession.created_at,
                crit.c.value["rating"].astext,
            )
            .select_from(TrainingSession)
            .join(EvaluationRow, EvaluationRow.session_id == TrainingSession.id)
            .join(crit, true())
            .where(visible)
            .order_by(criterion_id, TrainingSession.created_at, TrainingSession.id)
        )
    ).all()
    questions = _metric("questions")
    skills = (
        await db.execute(
            select(
                TrainingSession.id,
                TrainingSession.created_at,
                Scenario.slug,
                _metric("open_questions") / func.nullif(questions, 0),
                _metric("reflection_to_question_ratio"),
                _metric("complex_reflections", integer=True),
                _metric("advice_without_permission", integer=True),
                _metric("trainee_talk_share"),
            )
            .select_from(TrainingSession)
            .join(Scenario, Scenario.id == TrainingSession.scenario_id)
            .join(EvaluationRow, EvaluationRow.session_id == TrainingSession.id)
            .where(visible, evaluated)
            .order_by(TrainingSession.created_at, TrainingSession.id)
        )
    ).all()
    trends: dict[str, CriterionTrend] = {}
    for cid, title, sid, at, rating in points:
        trend = trends.setdefault(cid, CriterionTrend(criterion_id=cid, title=title, points=[]))
        trend.points.append(RatingPoint(session_id=sid, at=at, rating=rating))
    return TraineeProgress(
        trainee_id=trainee_id,
        scenarios=[
            ScenarioProgress(
                scenario_slug=slug,
                title=title,
                attempts=attempts,
                evaluated=n_eval,
                first_score=first,
                best_score=best,
                latest_score=latest,
                passed=passed,
                latest_passed=latest_passed,
            )
            for slug, title, attempts, n_eval, first, best, latest, passed, latest_passed in per_scenario
        ],  # fmt: skip
        criteria=list(trends.values()),
        skills=[
            SkillPoint(
                session_id=sid,
                at=at,
                scenario_slug=slug,
                open_question_share=round(open_share, 4) if open_share is not None else None,
                reflection_to_question_ratio=ratio,
                complex_reflections=complex_,
                advice_without_permission=advice,
                talk_share=talk,
            )
            for sid, at, slug, open_share, ratio, complex_, advice, talk in skills
        ],  # fmt: skip
    )
