"""the audit trail refuses TRUNCATE too

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 04:50:00

0007 made audit_events append-only row by row (UPDATE and DELETE raise); TRUNCATE bypasses row
triggers, so a statement-level trigger refuses it as well. Removing the trail is now only
possible by dropping the trigger, which needs the table's owner and is itself visible in the
schema.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
