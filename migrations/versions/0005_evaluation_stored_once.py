"""the current evaluation stored once, as the Evaluation JSON every revision holds; the columns
SQL filters on are generated from it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:00:00

Existing data: each current row's columns (criteria/red_flags/review_reasons wrapped as
{"items": [...]}, evaluator and scenario spread over columns, review as its own column) are
folded into one `evaluation` document of the REST shape; the columns become generated ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOLDED = (
    "jsonb_build_object("
    "'session_id', session_id, 'overall_score', overall_score, 'passed', passed, "
    "'pass_mark', pass_mark, 'criteria', criteria->'items', "
    "'red_flags', coalesce(red_flags->'items', '[]'::jsonb), 'needs_review', needs_review, "
    "'review_reasons', coalesce(review_reasons->'items', '[]'::jsonb), 'metrics', metrics, "
    "'evaluator', jsonb_build_object('name', evaluator_name, 'version', evaluator_version, "
    "'fallback', fallback, 'reason', fallback_reason), "
    "'scenario', jsonb_build_object('id', scenario_id, 'version', scenario_version), "
    "'created_at', created_at, 'review', coalesce(review, 'null'::jsonb))"
)
_GENERATED = {
    'overall_score': (sa.Float(), "(evaluation->>'overall_score')::double precision"),
    'passed': (sa.Boolean(), "(evaluation->>'passed')::boolean"),
    'needs_review': (sa.Boolean(), "coalesce((evaluation->>'needs_review')::boolean, false)"),
}
_FOLDED_AWAY = ('pass_mark', 'criteria', 'metrics', 'evaluator_name', 'evaluator_version',
                'fallback', 'fallback_reason', 'scenario_id', 'scenario_version', 'red_flags',
                'review_reasons', 'review')


def upgrade() -> None:
    op.add_column('evaluations', sa.Column('evaluation', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute(f"UPDATE evaluations SET evaluation = {_FOLDED}")
    op.alter_column('evaluations', 'evaluation', nullable=False)
    for name in (*_GENERATED, *_FOLDED_AWAY):
        op.drop_column('evaluations', name)
    for name, (type_, expression) in _GENERATED.items():
        op.add_column('evaluations', sa.Column(name, type_, sa.Computed(expression, persisted=True), nullable=False))
    # the row's own time (when it was stored), no longer a copy of the evaluation's
    op.alter_column('evaluations', 'created_at', server_default=sa.text('now()'))


def downgrade() -> None:
    items = lambda key: f"jsonb_build_object('items', coalesce(evaluation->'{key}', '[]'::jsonb))"  # noqa: E731
    plain = {
        'overall_score': (sa.Float(), "(evaluation->>'overall_score')::double precision"),
        'passed': (sa.Boolean(), "(evaluation->>'passed')::boolean"),
        'needs_review': (sa.Boolean(), "coalesce((evaluation->>'needs_review')::boolean, false)"),
        'pass_mark': (sa.Float(), "(evaluation->>'pass_mark')::double precision"),
        'criteria': (postgresql.JSONB(), items('criteria')),
        'metrics': (postgresql.JSONB(), "evaluation->'metrics'"),
        'evaluator_name': (sa.String(100), "evaluation->'evaluator'->>'name'"),
        'evaluator_version': (sa.String(40), "evaluation->'evaluator'->>'version'"),
        'fallback': (sa.Boolean(), "coalesce((evaluation->'evaluator'->>'fallback')::boolean, false)"),
        'fallback_reason': (sa.Text(), "evaluation->'evaluator'->>'reason'"),
        'scenario_id': (sa.Uuid(), "(evaluation->'scenario'->>'id')::uuid"),
        'scenario_version': (sa.Integer(), "(evaluation->'scenario'->>'version')::integer"),
        'red_flags': (postgresql.JSONB(), items('red_flags')),
        'review_reasons': (postgresql.JSONB(), items('review_reasons')),
        'review': (postgresql.JSONB(), "nullif(evaluation->'review', 'null'::jsonb)"),
    }
    for name in _GENERATED:
        op.drop_column('evaluations', name)
    for name, (type_, _) in plain.items():
        op.add_column('evaluations', sa.Column(name, type_, nullable=True))
    op.execute("UPDATE evaluations SET " + ", ".join(f"{n} = {e}" for n, (_, e) in plain.items())
               + ", created_at = (evaluation->>'created_at')::timestamptz")
    for name in plain:
        if name not in ('fallback_reason', 'review'):
            op.alter_column('evaluations', name, nullable=False)
    op.create_foreign_key(op.f('fk_evaluations_scenario_id_scenarios'), 'evaluations', 'scenarios', ['scenario_id'], ['id'])
    op.alter_column('evaluations', 'red_flags', server_default=sa.text("'{\"items\": []}'::jsonb"))
    op.alter_column('evaluations', 'review_reasons', server_default=sa.text("'{\"items\": []}'::jsonb"))
    op.alter_column('evaluations', 'needs_review', server_default=sa.text('false'))
    op.drop_column('evaluations', 'evaluation')
