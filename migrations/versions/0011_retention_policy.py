"""retention: the deployment's policy (one row: after how many days transcripts are purged, who
set it and when) and when each session's transcript was purged

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:45:00

The policy row exists from here on with transcript_days null (keep forever), so nothing is purged
until an admin sets a number of days. The partial index serves the retention run's search for
ended sessions not purged yet.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('retention_policy',
    sa.Column('id', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('transcript_days', sa.Integer(), nullable=True),
    sa.Column('set_by', sa.String(length=200), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_retention_policy_one_row')),
    sa.CheckConstraint('transcript_days >= 1', name=op.f('ck_retention_policy_transcript_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_policy'))
    )  # fmt: skip
    op.execute("INSERT INTO retention_policy (id) VALUES (1)")
    op.add_column(
        'training_sessions',
        sa.Column('transcripts_purged_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        'ix_training_sessions_purge_due', 'training_sessions', ['ended_at'], unique=False,
        postgresql_where=sa.text('transcripts_purged_at IS NULL'),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index('ix_training_sessions_purge_due', table_name='training_sessions')
    op.drop_column('training_sessions', 'transcripts_purged_at')
    op.drop_table('retention_policy')
