"""the audit trail: who read or changed what, when, from where; append-only

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 16:00:00

Append-only is the database's rule, not only the application's: a trigger refuses every UPDATE
and DELETE of a row (TRUNCATE stays an operator's act).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.String(length=200), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.String(length=200), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('subject_user_id', sa.String(length=200), nullable=True),
    sa.Column('client_ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )  # fmt: skip
    for column in ('at', 'actor_id', 'session_id', 'subject_user_id'):
        op.create_index(op.f(f'ix_audit_events_{column}'), 'audit_events', [column], unique=False)
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    op.execute("DROP FUNCTION audit_events_append_only()")
    for column in ('at', 'actor_id', 'session_id', 'subject_user_id'):
        op.drop_index(op.f(f'ix_audit_events_{column}'), table_name='audit_events')
    op.drop_table('audit_events')
