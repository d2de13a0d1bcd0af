"""SQLAlchemy 2 typed models. Constraints carry idempotency: unique (session_id, seq) for turns,
unique session_id for evaluations, unique (user_id, idempotency_key) for session starts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, get_args

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.contracts.base import Phase, ReviewStatus, ScenarioStatus, SessionState, Speaker
from core.contracts.rest_assignments import LatePolicy
from core.contracts.rest_teams import TeamRole

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonDoc = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JsonDoc}


def one_of(column: str, literal: Any) -> str:
    """A CHECK condition: `column` holds one of the values of a Literal type."""
    return f"{column} IN ({', '.join(repr(v) for v in get_args(literal))})"


def _now_default() -> Any:
    return func.now()


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the JWT `sub`
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now_default(), onupdate=func.now())


class Scenario(Base):
    __tablename__ = "scenarios"
    __table_args__ = (
        UniqueConstraint("slug", "version"),
        UniqueConstraint("slug", "content_hash"),
        CheckConstraint(one_of("status", ScenarioStatus), name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    difficulty: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    briefing: Mapped[str] = mapped_column(Text)
    persona_prompt: Mapped[str] = mapped_column(Text)
    opening_line: Mapped[str] = mapped_column(Text)
    pass_mark: Mapped[float] = mapped_column(Float)
    rubric: Mapped[dict[str, Any]] = mapped_column()
    definition: Mapped[dict[str, Any]] = mapped_column()  # the whole validated YAML document
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    # authoring (migration 0008): a built-in has no organisation and is read-only (edited as a
    # copy); an authored version is a draft until published, and archiving retires the slug
    status: Mapped[str] = mapped_column(String(10), server_default=sql_text("'published'"))
    org_id: Mapped[str | None] = mapped_column(String(100), index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column()


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (CheckConstraint(one_of("late_policy", LatePolicy), name="late_policy"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    scenario_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scenarios.id"))
    trainee_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column()
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    min_score: Mapped[float | None] = mapped_column(Float)
    review_required: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    late_policy: Mapped[str] = mapped_column(String(10), server_default=sql_text("'allow'"))

    scenario: Mapped[Scenario] = relationship(lazy="raise")


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        UniqueConstraint("assignment_id", "attempt"),
        Index("ix_training_sessions_user_created", "user_id", "created_at"),
        Index(
            "ix_training_sessions_purge_due",
            "ended_at",
            postgresql_where=sql_text("transcripts_purged_at IS NULL"),
        ),
        CheckConstraint(one_of("status", SessionState), name="status"),
        CheckConstraint(one_of("phase", Phase), name="phase"),
        CheckConstraint(one_of("review_status", ReviewStatus), name="review_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    scenario_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scenarios.id"), index=True)
    assignment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assignments.id"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[SessionState] = mapped_column(String(20), default="active")
    phase: Mapped[Phase] = mapped_column(String(30), default="starting")
    room_name: Mapped[str] = mapped_column(String(200), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(200), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    started_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(server_default=_now_default(), onupdate=func.now())
    # issue 14: a practice session the trainee shared with their team leads; an assessed attempt
    # made after its assignment's due_at; the human review's state and deadline
    shared_at: Mapped[datetime | None] = mapped_column()
    late: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    review_status: Mapped[str | None] = mapped_column(String(10), index=True)
    review_due_at: Mapped[datetime | None] = mapped_column()
    # retention (migration 0010): when the transcript (turns, quotes, Temporal history) was purged
    transcripts_purged_at: Mapped[datetime | None] = mapped_column()

    scenario: Mapped[Scenario] = relationship(lazy="raise")


class TranscriptTurn(Base):
    __tablename__ = "transcript_turns"
    __table_args__ = (CheckConstraint(one_of("speaker", Speaker), name="speaker"),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker: Mapped[Speaker] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()


class EvaluationRow(Base):
    """A session's current evaluation, stored once: the Evaluation JSON, the shape every
    revision holds. The columns SQL filters and sorts on are generated from it by Postgres, so
    they never disagree with it."""

    __tablename__ = "evaluations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), unique=True
    )
    evaluation: Mapped[dict[str, Any]] = mapped_column()
    overall_score: Mapped[float] = mapped_column(
        Float, Computed("(evaluation->>'overall_score')::double precision")
    )
    passed: Mapped[bool] = mapped_column(Boolean, Computed("(evaluation->>'passed')::boolean"))
    needs_review: Mapped[bool] = mapped_column(
        Boolean, Computed("coalesce((evaluation->>'needs_review')::boolean, false)")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())  # row stored
    updated_at: Mapped[datetime | None] = mapped_column()


class EvaluationRevision(Base):
    """Append-only history of a session's evaluation: the AI's first result (revision 1, kind
    'ai'), every re-score and every supervisor review (kind 'review', unique review_id) after
    it; `evaluations` holds the current one."""

    __tablename__ = "evaluation_revisions"
    __table_args__ = (UniqueConstraint("session_id", "revision"), UniqueConstraint("review_id"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # 'ai' | 'rescore' | 'review'
    overall_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    evaluator_name: Mapped[str] = mapped_column(String(100))
    evaluator_version: Mapped[str] = mapped_column(String(40))
    evaluation: Mapped[dict[str, Any]] = mapped_column()  # the whole Evaluation JSON
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    review_id: Mapped[uuid.UUID | None] = mapped_column()
    reviewer: Mapped[str | None] = mapped_column(String(200))


class Team(Base):
    """Supervisors lead teams, trainees belong to them: the unit of a supervisor's visibility."""

    __tablename__ = "teams"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())


class TeamMember(Base):
    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        CheckConstraint(one_of("role", TeamRole), name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())


class DeletedSession(Base):
    """A tombstone: which session was deleted, by whom and when, so a repeated DELETE is answered
    the same (204) and finishes what a crash interrupted (the Temporal history). No text."""

    __tablename__ = "deleted_sessions"

    session_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)  # whose session it was
    workflow_id: Mapped[str] = mapped_column(String(200))
    deleted_by: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime] = mapped_column(server_default=_now_default())


class RetentionPolicy(Base):
    """The deployment's retention policy, one row (migration 0010 inserts it): transcripts of
    sessions that ended more than `transcript_days` ago are purged (scores kept); null keeps
    them forever."""

    __tablename__ = "retention_policy"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("transcript_days >= 1", name="transcript_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, server_default=sql_text("1"))
    transcript_days: Mapped[int | None] = mapped_column(Integer)
    set_by: Mapped[str | None] = mapped_column(String(200))
    set_at: Mapped[datetime | None] = mapped_column()


class AuditEvent(Base):
    """Who read or changed what, when, from where: append-only (a trigger refuses UPDATE and
    DELETE, migration 0007). `subject_user_id` is whose practice it concerns, kept after the
    session itself is deleted; no transcript text is ever stored here."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=_now_default(), index=True)
    actor_id: Mapped[str] = mapped_column(String(200), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(200))
    session_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    subject_user_id: Mapped[str | None] = mapped_column(String(200), index=True)
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class CalibrationLabel(Base):
    """A supervisor's own reading of one attempt, for calibrating its scenario: pass/fail, an
    optional score and a rating per criterion (migration 0010). One per session, the latest
    labeller's; ratings and ids only, never text."""

    __tablename__ = "calibration_labels"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    labelled_by: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    criteria: Mapped[dict[str, Any]] = mapped_column()  # criterion id -> met|partly|not_met
    created_at: Mapped[datetime] = mapped_column(server_default=_now_default())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now_default())
