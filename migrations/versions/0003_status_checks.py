"""status, phase and speaker hold only the values of their Literal types

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as of this revision (core.contracts.base SessionState, Phase, Speaker).
_CHECKS = [
    ("ck_training_sessions_status", "training_sessions",
     "status IN ('active', 'completed', 'abandoned', 'failed')"),
    ("ck_training_sessions_phase", "training_sessions",
     "phase IN ('starting', 'waiting_for_agent', 'in_conversation', 'finalizing', 'evaluating', "
     "'completed', 'abandoned', 'failed')"),
    ("ck_transcript_turns_speaker", "transcript_turns", "speaker IN ('trainee', 'client')"),
]


def upgrade() -> None:
    for name, table, condition in _CHECKS:
        op.create_check_constraint(op.f(name), table, condition)


def downgrade() -> None:
    for name, table, _ in reversed(_CHECKS):
        op.drop_constraint(op.f(name), table, type_="check")
