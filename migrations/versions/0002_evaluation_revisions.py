"""evaluation revisions; red flags and review flag on evaluations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("'{\"items\": []}'::jsonb")


def upgrade() -> None:
    op.add_column('evaluations', sa.Column('red_flags', postgresql.JSONB(astext_type=sa.Text()), server_default=_EMPTY, nullable=False))
    op.add_column('evaluations', sa.Column('needs_review', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('evaluations', sa.Column('review_reasons', postgresql.JSONB(astext_type=sa.Text()), server_default=_EMPTY, nullable=False))
    op.add_column('evaluations', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('evaluation_revisions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('overall_score', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('evaluator_name', sa.String(length=100), nullable=False),
    sa.Column('evaluator_version', sa.String(length=40), nullable=False),
    sa.Column('evaluation', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_evaluation_revisions_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_revisions')),
    sa.UniqueConstraint('session_id', 'revision', name=op.f('uq_evaluation_revisions_session_id'))
    )
    op.create_index(op.f('ix_evaluation_revisions_session_id'), 'evaluation_revisions', ['session_id'], unique=False)
    # Evaluations stored before this revision become revision 1 of their session's history.
    op.execute(
        "INSERT INTO evaluation_revisions (id, session_id, revision, kind, overall_score, passed, "
        "evaluator_name, evaluator_version, evaluation, created_at) "
        "SELECT gen_random_uuid(), session_id, 1, 'ai', overall_score, passed, evaluator_name, "
        "evaluator_version, jsonb_build_object("
        "'session_id', session_id, 'overall_score', overall_score, 'passed', passed, "
        "'pass_mark', pass_mark, 'criteria', criteria->'items', 'red_flags', '[]'::jsonb, "
        "'needs_review', false, 'review_reasons', '[]'::jsonb, 'metrics', metrics, "
        "'evaluator', jsonb_build_object('name', evaluator_name, 'version', evaluator_version, "
        "'fallback', fallback, 'reason', fallback_reason), "
        "'scenario', jsonb_build_object('id', scenario_id, 'version', scenario_version), "
        "'created_at', created_at), created_at FROM evaluations"
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_evaluation_revisions_session_id'), table_name='evaluation_revisions')
    op.drop_table('evaluation_revisions')
    op.drop_column('evaluations', 'updated_at')
    op.drop_column('evaluations', 'review_reasons')
    op.drop_column('evaluations', 'needs_review')
    op.drop_column('evaluations', 'red_flags')
