"""Every message that crosses a process boundary: REST bodies, workflow / activity / signal /
update payloads and agent metadata. JSON field names here are the external contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

Speaker = Literal["trainee", "client"]
Role = Literal["trainee", "supervisor", "admin"]
Phase = Literal[
    "starting",
    "waiting_for_agent",
    "in_conversation",
    "finalizing",
    "evaluating",
    "awaiting_review",
    "completed",
    "abandoned",
    "failed",
]
SessionState = Literal["active", "completed", "abandoned", "failed"]
EvaluationStatus = Literal["pending", "ready", "none"]
EndReason = Literal[
    "trainee_ended",
    "participant_disconnected",
    "room_finished",
    "agent_shutdown",
    "agent_error",
    "time_limit",
    "max_turns",
    "idle_timeout",
]
# voice: the LiveKit agent holds the conversation; text: the workflow holds it (send_message).
Modality = Literal["voice", "text"]
# Reasons a session is abandoned without an evaluation (stored as its end_reason).
AbandonReason = Literal["agent_unavailable", "no_conversation", "cancelled"]
Rating = Literal["met", "partly", "not_met"]

# Bounds the workflow enforces on signalled turns (over them a turn is dropped and counted).
TURN_TEXT_MAX_CHARS = 4000
TURN_BATCH_MAX = 100
# Bounds of one persist_turns payload: keep it well below Temporal's 2 MB limit and its 256 KB
# warning. A turn counts as its text plus PERSIST_TURN_OVERHEAD_CHARS (seq, speaker, times).
PERSIST_BATCH_MAX_CHARS = 120_000
PERSIST_TURN_OVERHEAD_CHARS = 200
# One trainee chat message (text modality): refused (422) when longer, so it always fits a Turn.
TRAINEE_MESSAGE_MAX_CHARS = 2000


def _storable(text: str) -> str:
    """Postgres text cannot hold NUL, and UTF-8 cannot encode lone surrogates: such text is
    refused here, at the contract, so it never reaches a database write that would fail forever."""
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("text must not contain unpaired surrogate characters")
    return text


def _no_controls(text: str) -> str:
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise ValueError("must not contain control characters")
    return text


# Every text field that crosses a process boundary and may be stored uses this type.
StorableText = Annotated[str, AfterValidator(_storable)]
# Identifiers and one-line names (user ids, emails, display names): storable and single-line.
LineText = Annotated[str, AfterValidator(_storable), AfterValidator(_no_controls)]


def session_workflow_id(session_id: UUID) -> str:
    """The workflow id of a session: part of the contract (ops search the Temporal UI by it)."""
    return f"training-session-{session_id}"


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# --- the conversation (agent <-> workflow) ------------------------------------------------


class Turn(Contract):
    seq: int = Field(description="0-based, assigned by the agent; the workflow dedupes by it")
    speaker: Speaker
    text: StorableText
    started_at: AwareDatetime
    ended_at: AwareDatetime


class RejectedTurn(Contract):
    seq: int | None
    reason: str


class TurnBatch(Contract):
    """Signals are decoded whole: one malformed turn must not take the valid turns of its batch
    with it. Each turn is validated on its own; the ones that fail are kept in `rejected` (with
    the reason) so the workflow counts them as dropped instead of losing the batch silently."""

    turns: Annotated[list[Turn], Field(max_length=TURN_BATCH_MAX)]
    rejected: list[RejectedTurn] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_invalid(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
            return data
        valid: list[Any] = []
        rejected: list[Any] = list(data.get("rejected") or [])
        for item in data["turns"]:
            if isinstance(item, Turn):
                valid.append(item)
                continue
            try:
                valid.append(Turn.model_validate(item))
            except ValidationError as exc:
                seq = item.get("seq") if isinstance(item, dict) else None
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                rejected.append(
                    RejectedTurn(
                        seq=seq if isinstance(seq, int) else None,
                        reason=f"{where}: {first.get('msg', 'invalid')}",
                    )
                )
        return {**data, "turns": valid, "rejected": rejected}


class EndConversation(Contract):
    reason: EndReason
    final_turn_count: int | None = Field(None, ge=0)


class AgentJoined(Contract):
    agent_identity: StorableText = Field(min_length=1, max_length=200)


class AgentBriefing(Contract):
    session_id: UUID
    scenario_title: str
    persona_prompt: str
    opening_line: str
    deadline: AwareDatetime
    max_turns: int
    offline_script: dict[str, Any] | None = Field(
        None, description="the scenario's script rules, for the offline scripted persona"
    )


class AgentJobMetadata(Contract):
    model_config = ConfigDict(extra="ignore")
    session_id: UUID
    workflow_id: str = Field(min_length=1)
    bridge_token: str = Field(
        min_length=1,
        description="credential for the HTTP bridge, valid for this one session only",
    )


class SessionStatus(Contract):
    session_id: UUID
    phase: Phase
    turn_count: int
    persisted_turn_count: int
    dropped_turns: int
    end_reason: str | None
    evaluation_status: EvaluationStatus
    modality: Modality = "voice"
    review_status: ReviewStatus | None = None
    review_due_at: AwareDatetime | None = None


# --- workflow input / output ----------------------------------------------------------------


class SessionLimits(Contract):
    agent_join_timeout_seconds: float = Field(60.0, gt=0)
    max_duration_seconds: float = Field(1800.0, gt=0)
    final_turn_wait_seconds: float = Field(30.0, ge=0)
    max_turns: int = Field(1000, ge=1)
    min_trainee_turns: int = Field(2, ge=1)
    # One persist carries at most this many turns, keeping every payload far below 256 KB.
    persist_batch_max_turns: int = Field(100, ge=1, le=1000)
    judge_max_attempts: int = Field(3, ge=1)
    # A text session in which nobody writes for this long ends (reason idle_timeout).
    text_idle_timeout_seconds: float = Field(600.0, gt=0)
    # Human review (assessed sessions that require it, or evaluations that ask for a human):
    # overdue after the deadline; further reviews (new revisions) accepted for the window after.
    review_deadline_hours: float = Field(72.0, gt=0)
    review_revision_window_hours: float = Field(168.0, ge=0)


class StartSession(Contract):
    session_id: UUID
    user_id: LineText
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None
    idempotency_key: LineText | None = None
    request_hash: str | None = None
    limits: SessionLimits = SessionLimits()
    # absent in runs started before the text modality existed: those are voice sessions
    modality: Modality = "voice"

    @model_validator(mode="after")
    def _one_target(self) -> StartSession:
        if (self.scenario_id is None) == (self.assignment_id is None):
            raise ValueError("exactly one of scenario_id and assignment_id is required")
        return self


class ScenarioSummary(Contract):
    id: UUID
    slug: str
    title: str
    briefing: str


class SessionReady(Contract):
    session_id: UUID
    workflow_id: str
    attempt: int
    room_name: str
    scenario: ScenarioSummary
    modality: Modality = "voice"
    opening_line: str | None = Field(
        None, description="text sessions: the client's first line, already turn 0"
    )


class SessionOutcome(Contract):
    session_id: UUID
    phase: Phase
    end_reason: str | None
    turn_count: int
    evaluation: EvaluationSummary | None = None


# --- activity payloads ----------------------------------------------------------------------


class CreatedSession(Contract):
    session_id: UUID
    attempt: int
    room_name: str
    scenario_id: UUID
    review_required: bool = False


class LoadScenario(Contract):
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None


class ScenarioSnapshot(Contract):
    id: UUID
    slug: str
    version: int
    title: str
    briefing: str
    persona_prompt: str
    opening_line: str
    offline_script: dict[str, Any] | None = None


class DispatchAgent(Contract):
    session_id: UUID
    workflow_id: str
    room_name: str


class DispatchResult(Contract):
    dispatched: bool
    dispatch_id: str | None = None


class CloseRoom(Contract):
    room_name: str


class PersistTurns(Contract):
    session_id: UUID
    turns: list[Turn]


class PersistResult(Contract):
    inserted: int
    quarantined: list[int] = Field(
        default_factory=list,
        description="seqs of turns Postgres refused permanently (a data error): never retried",
    )


class MarkPhase(Contract):
    session_id: UUID
    phase: Phase
    status: SessionState = "active"
    end_reason: str | None = None
    turn_count: int | None = None
    started: bool = False
    ended: bool = False


class ClientReplyRequest(Contract):
    """The persona's next line in a text session: the activity reads the conversation up to and
    including the trainee turn `trainee_seq` from Postgres (ids through Temporal, not text)."""

    session_id: UUID
    trainee_seq: int = Field(ge=0)


class ClientReplyText(Contract):
    text: StorableText
    model: str


class EvaluateSession(Contract):
    session_id: UUID
    judge_max_attempts: int = 3


class EvaluationSummary(Contract):
    session_id: UUID
    overall_score: float
    passed: bool
    evaluator: str
    fallback: bool
    needs_review: bool = False
    # what a review may refer to (the submit_review validator checks overrides against them)
    criterion_ids: list[str] = Field(default_factory=list)
    red_flag_ids: list[str] = Field(default_factory=list)


# --- evaluation ------------------------------------------------------------------------------


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


# --- REST bodies -----------------------------------------------------------------------------


class TokenClaims(Contract):
    """The user claims of a verified JWT. A token whose claims do not fit is refused (401)
    before anything is stored."""

    model_config = ConfigDict(extra="ignore")
    sub: LineText = Field(min_length=1, max_length=200)
    role: Role
    email: LineText | None = Field(None, max_length=320)
    name: LineText | None = Field(None, max_length=200)


class ErrorDetail(Contract):
    type: str
    message: str
    retryable: bool


class ErrorBody(Contract):
    error: ErrorDetail


class CreateSessionRequest(Contract):
    scenario_id: UUID | None = None
    assignment_id: UUID | None = None
    modality: Modality | None = Field(
        None, description="default: voice when LiveKit is configured, else text"
    )

    @model_validator(mode="after")
    def _one_target(self) -> CreateSessionRequest:
        if (self.scenario_id is None) == (self.assignment_id is None):
            raise ValueError("give exactly one of scenario_id and assignment_id")
        return self


class LiveKitAccess(Contract):
    url: str
    token: str


class CreateSessionResponse(Contract):
    session_id: UUID
    attempt: int
    status: SessionState
    room_name: str
    scenario: ScenarioSummary
    modality: Modality
    livekit: LiveKitAccess | None
    opening_line: str | None = Field(
        None, description="text sessions: the client's first line (turn 0 of the transcript)"
    )


def _message_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise ValueError("the message is empty")
    return stripped


class TraineeMessage(Contract):
    """What the trainee writes in a text session (POST /v1/sessions/{id}/messages)."""

    text: Annotated[
        StorableText,
        Field(min_length=1, max_length=TRAINEE_MESSAGE_MAX_CHARS),
        AfterValidator(_message_text),
    ]


class ClientReply(Contract):
    """The answer to a trainee message: both turns as stored in the transcript."""

    trainee_turn: Turn
    client_turn: Turn


class SessionView(Contract):
    session_id: UUID
    user_id: str
    scenario: ScenarioSummary
    scenario_version: int
    assignment_id: UUID | None
    attempt: int
    status: SessionState
    phase: Phase
    turn_count: int
    end_reason: str | None
    evaluation_status: EvaluationStatus
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    modality: Modality | None = Field(
        None, description="while the session runs (from its workflow); null once it has ended"
    )
    shared_at: datetime | None = None
    late: bool = False
    review_status: ReviewStatus | None = None
    review_due_at: datetime | None = None


class SessionPage(Contract):
    items: list[SessionView]
    next_cursor: str | None


class TranscriptView(Contract):
    session_id: UUID
    turns: list[Turn]


class EvaluationPending(Contract):
    status: Literal["in_conversation", "pending"]
    phase: Phase


class Accepted(Contract):
    status: Literal["accepted"] = "accepted"


class RubricCriterionView(Contract):
    id: str
    title: str
    weight: float
    description: str


class ScenarioView(Contract):
    id: UUID
    slug: str
    version: int
    title: str
    difficulty: str
    summary: str
    briefing: str


class ScenarioDetail(ScenarioView):
    pass_mark: float
    criteria: list[RubricCriterionView]


class AssignmentCreate(Contract):
    scenario_id: UUID
    trainee_id: LineText = Field(min_length=1, max_length=200)
    due_at: AwareDatetime | None = None
    max_attempts: int = Field(3, ge=1, le=100)
    min_score: float | None = Field(None, ge=0, le=100)
    review_required: bool = False
    late_policy: LatePolicy = "allow"


class AssignmentView(Contract):
    id: UUID
    scenario_id: UUID
    scenario_slug: str
    trainee_id: str
    assigned_by: str
    due_at: datetime | None
    max_attempts: int
    attempts_used: int
    created_at: datetime
    min_score: float | None = None
    review_required: bool = False
    late_policy: LatePolicy = "allow"
    status: AssignmentStatus = "not_started"
    best_score: float | None = None


class AssignmentPage(Contract):
    items: list[AssignmentView]


class HealthStatus(Contract):
    status: Literal["ok", "unavailable"]
    checks: dict[str, bool] = {}


# --- supervisors in the loop: teams, review, assignment status, insights (issue 14) ----------

TeamRole = Literal["lead", "member"]
LatePolicy = Literal["allow", "refuse"]
AssignmentStatus = Literal[
    "not_started", "in_progress", "passed", "failed", "overdue", "awaiting_review"
]
ReviewStatus = Literal["pending", "overdue", "done"]
RedFlagDecisionKind = Literal["confirmed", "dismissed"]
ReviewComment = Annotated[StorableText, Field(max_length=4000)]


class TeamCreate(Contract):
    name: LineText = Field(min_length=1, max_length=200)


class TeamUpdate(Contract):
    name: LineText = Field(min_length=1, max_length=200)


class TeamMemberSet(Contract):
    role: TeamRole


class TeamMemberView(Contract):
    user_id: str
    role: TeamRole
    name: str | None = None
    email: str | None = None


class TeamView(Contract):
    id: UUID
    name: str
    created_at: datetime
    members: list[TeamMemberView]


class TeamPage(Contract):
    items: list[TeamView]


class ShareResult(Contract):
    session_id: UUID
    shared_at: datetime


class CriterionOverride(Contract):
    id: str = Field(min_length=1, max_length=100, description="a criterion id of the evaluation")
    rating: Rating
    comment: ReviewComment | None = None


class RedFlagDecision(Contract):
    id: str = Field(min_length=1, max_length=100, description="a red flag id of the evaluation")
    decision: RedFlagDecisionKind
    comment: ReviewComment | None = None


class ReviewRequest(Contract):
    """POST /v1/sessions/{id}/review: the supervisor's verdict on the AI's evaluation."""

    passed: bool = Field(description="the final pass/fail")
    comment: ReviewComment | None = None
    criteria: Annotated[list[CriterionOverride], Field(max_length=50)] = []
    red_flags: Annotated[list[RedFlagDecision], Field(max_length=50)] = []


class Review(ReviewRequest):
    """The submit_review update's payload: the request plus who sent it, under an id that makes
    a redelivery one revision."""

    review_id: UUID
    reviewer: LineText = Field(min_length=1, max_length=200)


class RecordReview(Contract):
    session_id: UUID
    review: Review


class ReviewResult(Contract):
    session_id: UUID
    review_id: UUID
    revision: int
    passed: bool
    overall_score: float


class MarkReview(Contract):
    session_id: UUID
    review_status: ReviewStatus
    review_due_at: AwareDatetime | None = None


class CriterionOverrideView(Contract):
    id: str
    ai_rating: Rating
    rating: Rating
    comment: str | None = None


class ReviewInfo(Contract):
    """`review` of the evaluation JSON: the overrides applied to the AI's evaluation."""

    review_id: UUID
    reviewer: str
    at: AwareDatetime
    comment: str | None
    passed: bool
    ai_passed: bool
    ai_overall_score: float
    overrides: list[CriterionOverrideView]
    red_flags: list[RedFlagDecision]


class EvaluationRevisionPage(Contract):
    items: list[EvaluationRevisionView]


class ReviewQueueItem(Contract):
    session_id: UUID
    trainee_id: str
    scenario: ScenarioSummary
    assignment_id: UUID | None
    attempt: int
    review_status: ReviewStatus
    review_due_at: datetime | None
    ai_score: float | None
    passed: bool | None
    needs_review: bool
    reviewer: str | None = None
    reviewed_at: datetime | None = None


class ReviewQueuePage(Contract):
    items: list[ReviewQueueItem]
    next_cursor: str | None


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


SessionOutcome.model_rebuild()
Evaluation.model_rebuild()
EvaluationRevisionView.model_rebuild()
SessionView.model_rebuild()
SessionStatus.model_rebuild()
AssignmentCreate.model_rebuild()
AssignmentView.model_rebuild()
