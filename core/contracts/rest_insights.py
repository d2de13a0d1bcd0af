"""REST bodies of the insights: evaluation agreement and a trainee's progress."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from core.contracts.base import Contract, Rating


class RateFigure(Contract):
    agreed: int
    total: int
    rate: float | None = Field(description="agreed / total; null when total is 0")


class CriterionAgreement(RateFigure):
    criterion_id: str
    title: str


class EvaluationAgreement(Contract):
    scenario: str | None
    since: datetime | None
    reviewed_sessions: int
    pass_fail: RateFigure
    criteria: list[CriterionAgreement]


class ScenarioProgress(Contract):
    scenario_slug: str
    title: str
    attempts: int
    evaluated: int
    first_score: float | None
    best_score: float | None
    latest_score: float | None
    passed: bool = Field(description="any evaluated attempt passed")
    latest_passed: bool | None


class RatingPoint(Contract):
    session_id: UUID
    at: datetime
    rating: Rating


class CriterionTrend(Contract):
    criterion_id: str
    title: str
    points: list[RatingPoint]


class SkillPoint(Contract):
    session_id: UUID
    at: datetime
    scenario_slug: str
    open_question_share: float | None
    reflection_to_question_ratio: float | None
    complex_reflections: int
    advice_without_permission: int
    talk_share: float


class TraineeProgress(Contract):
    trainee_id: str
    scenarios: list[ScenarioProgress]
    criteria: list[CriterionTrend]
    skills: list[SkillPoint]
