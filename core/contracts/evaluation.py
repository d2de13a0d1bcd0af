"""The evaluation JSON, as the scoring engine produces it, Postgres stores it and the API serves it,
and the history of its revisions."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from core.contracts.base import Contract, Rating
from core.contracts.review import ReviewInfo


class Evidence(Contract):
    seq: int
    quote: str


class CriterionResult(Contract):
    id: str
    title: str
    weight: float
    rating: Rating
    score: float = Field(ge=0, le=100)
    evidence: list[Evidence]
    feedback: str
    better_alternative: str | None = Field(
        None, description="for a criterion not fully met: what could have been said, and where"
    )


class RedFlag(Contract):
    id: str
    title: str
    critical: bool
    seq: int
    quote: str = Field(description="verbatim from the cited turn")
    why: str
    better_alternative: str | None = Field(None, description="what the trainee could say instead")


class EvaluatorInfo(Contract):
    name: str
    version: str
    fallback: bool = False
    reason: str | None = None


class ScenarioRef(Contract):
    id: UUID
    version: int


class CrossCheck(Contract):
    evaluator: str
    overall_score: float
    passed: bool
    ratings: dict[str, Rating]
    red_flags: list[str]


class CrisisStep(Contract):
    id: str
    title: str
    done: bool
    seq: int | None = None
    quote: str | None = Field(None, description="verbatim from the cited trainee turn")
    in_order: bool = Field(
        False, description="done where the standard asks (after asking directly)"
    )


class CrisisAssessment(Contract):
    """The crisis-safety reading of a session whose client gave warning signs (or whose scenario
    declares a suicide risk profile): the required steps, done or not, and in what order."""

    risk_profile: str
    warning_sign_seq: int | None = Field(None, description="the client's first warning sign")
    warning_sign_quote: str | None = None
    steps: list[CrisisStep] = []
    missing: list[str] = Field([], description="ids of the required steps not done")


class SkillMetrics(Contract):
    trainee_turns: int
    client_turns: int
    questions: int
    open_questions: int
    closed_questions: int
    reflections: int
    complex_reflections: int
    affirmations: int
    summaries: int
    advice_without_permission: int
    trainee_talk_share: float = Field(description="share of words spoken by the trainee, 0-1")
    longest_trainee_monologue_words: int
    turns_per_minute: float | None
    reflection_to_question_ratio: float | None
    # conversation-aware measures (evaluator 2+; absent from evaluations stored by version 1)
    responsive_reflections: int | None = None
    parroted_turns: int | None = None
    formulaic_turns: int | None = None
    stacked_question_turns: int | None = None
    client_engagement: float | None = Field(
        None, description="0 (client withdrawn throughout) .. 1 (opening up throughout)"
    )
    client_engagement_trend: float | None = None
    cross_check: CrossCheck | None = Field(
        None, description="the deterministic evaluator's result when an LLM judge scored"
    )
    crisis: CrisisAssessment | None = Field(
        None, description="crisis-safety steps, when the client gave warning signs"
    )


class Evaluation(Contract):
    session_id: UUID
    overall_score: float = Field(ge=0, le=100)
    passed: bool
    pass_mark: float
    criteria: list[CriterionResult]
    red_flags: list[RedFlag] = []
    needs_review: bool = False
    review_reasons: list[str] = []
    metrics: SkillMetrics
    evaluator: EvaluatorInfo
    scenario: ScenarioRef
    created_at: AwareDatetime
    review: ReviewInfo | None = Field(
        None, description="the supervisor's review applied to the AI's evaluation, when reviewed"
    )
    transcript_purged: bool = Field(
        False,
        description=(
            "the transcript was removed by retention: scores, ratings and red-flag ids are kept, "
            "quotes, feedback and comments are gone"
        ),
    )


RevisionKind = Literal["ai", "rescore", "review"]


class EvaluationRevisionView(Contract):
    """One entry of a session's evaluation history (newest last)."""

    revision: int
    kind: RevisionKind
    evaluator: str = Field(description="name and version of the evaluator that produced it")
    overall_score: float
    passed: bool
    created_at: AwareDatetime
    evaluation: Evaluation


class EvaluationRevisionPage(Contract):
    items: list[EvaluationRevisionView]
