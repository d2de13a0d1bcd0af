"""calibration labels: a supervisor's own reading of an attempt, per scenario calibration

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:40:00

One label per session (the latest labeller's): pass/fail, an optional score and a rating for
every criterion of the version the attempt played. No text: a label holds ratings and ids only,
so deleting an attempt (ON DELETE CASCADE) or purging its transcript leaves nothing to find.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calibration_labels',
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('labelled_by', sa.String(length=200), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('criteria', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_calibration_labels_score_range')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_calibration_labels_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_calibration_labels'))
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table('calibration_labels')
