"""tombstones of deleted sessions (no text): a repeated DELETE is answered the same and
finishes the Temporal history deletion a crash interrupted

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deleted_sessions',
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('workflow_id', sa.String(length=200), nullable=False),
    sa.Column('deleted_by', sa.String(length=200), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_deleted_sessions'))
    )  # fmt: skip
    op.create_index(
        op.f('ix_deleted_sessions_user_id'), 'deleted_sessions', ['user_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_deleted_sessions_user_id'), table_name='deleted_sessions')
    op.drop_table('deleted_sessions')
