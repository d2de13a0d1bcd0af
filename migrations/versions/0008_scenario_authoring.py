"""scenario authoring: a version's status (draft, published, archived), its organisation (none
for the built-ins), who made it and when it last changed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 16:20:00

Existing rows are the built-ins and imported files: published, no organisation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('scenarios', sa.Column('status', sa.String(length=10), server_default=sa.text("'published'"), nullable=False))
    op.add_column('scenarios', sa.Column('org_id', sa.String(length=100), nullable=True))
    op.add_column('scenarios', sa.Column('created_by', sa.String(length=200), nullable=True))
    op.add_column('scenarios', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_scenarios_org_id'), 'scenarios', ['org_id'], unique=False)
    op.create_check_constraint(
        op.f('ck_scenarios_status'), 'scenarios', "status IN ('draft', 'published', 'archived')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f('ck_scenarios_status'), 'scenarios', type_='check')
    op.drop_index(op.f('ix_scenarios_org_id'), table_name='scenarios')
    for column in ('updated_at', 'created_by', 'org_id', 'status'):
        op.drop_column('scenarios', column)
