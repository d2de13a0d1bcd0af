"""teams and membership; shared practice, late attempts and human review on sessions; assignment
minimum score, review requirement and late policy; review revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

Existing data: every user who assigned a scenario (except admins, who see everything anyway)
gets one team, "Team of <name>", which they lead and whose members are the trainees they
assigned, so a supervisor keeps seeing the assessed sessions they saw before. Practice sessions
(no assignment) become private to their trainee: nothing is shared on the trainee's behalf.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PHASES_0003 = ("'starting', 'waiting_for_agent', 'in_conversation', 'finalizing', "
                "'evaluating', 'completed', 'abandoned', 'failed'")
_PHASES_0004 = ("'starting', 'waiting_for_agent', 'in_conversation', 'finalizing', "
                "'evaluating', 'awaiting_review', 'completed', 'abandoned', 'failed'")


def upgrade() -> None:
    op.create_table('teams',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams'))
    )
    op.create_table('team_members',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('lead', 'member')", name=op.f('ck_team_members_role')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_members')),
    sa.UniqueConstraint('team_id', 'user_id', name=op.f('uq_team_members_team_id'))
    )
    op.create_index(op.f('ix_team_members_user_id'), 'team_members', ['user_id'], unique=False)

    op.add_column('assignments', sa.Column('min_score', sa.Float(), nullable=True))
    op.add_column('assignments', sa.Column('review_required', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('assignments', sa.Column('late_policy', sa.String(length=10), server_default=sa.text("'allow'"), nullable=False))
    op.create_check_constraint(op.f('ck_assignments_late_policy'), 'assignments', "late_policy IN ('allow', 'refuse')")

    op.add_column('training_sessions', sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('training_sessions', sa.Column('late', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('training_sessions', sa.Column('review_status', sa.String(length=10), nullable=True))
    op.add_column('training_sessions', sa.Column('review_due_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_training_sessions_review_status'), 'training_sessions', ['review_status'], unique=False)
    op.create_check_constraint(op.f('ck_training_sessions_review_status'), 'training_sessions',
                               "review_status IN ('pending', 'overdue', 'done')")
    op.drop_constraint(op.f('ck_training_sessions_phase'), 'training_sessions', type_='check')
    op.create_check_constraint(op.f('ck_training_sessions_phase'), 'training_sessions', f"phase IN ({_PHASES_0004})")

    op.add_column('evaluations', sa.Column('review', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('evaluation_revisions', sa.Column('review_id', sa.Uuid(), nullable=True))
    op.add_column('evaluation_revisions', sa.Column('reviewer', sa.String(length=200), nullable=True))
    op.create_unique_constraint(op.f('uq_evaluation_revisions_review_id'), 'evaluation_revisions', ['review_id'])

    # One team per (non-admin) assigner, with the trainees they assigned as members.
    op.execute(
        "CREATE TEMPORARY TABLE _assigner_teams AS "
        "SELECT a.assigned_by AS lead, gen_random_uuid() AS team_id, "
        "'Team of ' || COALESCE(u.name, u.id) AS name "
        "FROM (SELECT DISTINCT assigned_by FROM assignments) a "
        "JOIN users u ON u.id = a.assigned_by WHERE u.role <> 'admin'"
    )
    op.execute("INSERT INTO teams (id, name) SELECT team_id, name FROM _assigner_teams")
    op.execute(
        "INSERT INTO team_members (id, team_id, user_id, role) "
        "SELECT gen_random_uuid(), team_id, lead, 'lead' FROM _assigner_teams"
    )
    op.execute(
        "INSERT INTO team_members (id, team_id, user_id, role) "
        "SELECT gen_random_uuid(), t.team_id, a.trainee_id, 'member' "
        "FROM (SELECT DISTINCT assigned_by, trainee_id FROM assignments) a "
        "JOIN _assigner_teams t ON t.lead = a.assigned_by WHERE a.trainee_id <> a.assigned_by"
    )
    op.execute("DROP TABLE _assigner_teams")


def downgrade() -> None:
    op.execute("UPDATE training_sessions SET phase = 'completed' WHERE phase = 'awaiting_review'")
    op.drop_constraint(op.f('uq_evaluation_revisions_review_id'), 'evaluation_revisions', type_='unique')
    op.drop_column('evaluation_revisions', 'reviewer')
    op.drop_column('evaluation_revisions', 'review_id')
    op.drop_column('evaluations', 'review')
    op.drop_constraint(op.f('ck_training_sessions_phase'), 'training_sessions', type_='check')
    op.create_check_constraint(op.f('ck_training_sessions_phase'), 'training_sessions', f"phase IN ({_PHASES_0003})")
    op.drop_constraint(op.f('ck_training_sessions_review_status'), 'training_sessions', type_='check')
    op.drop_index(op.f('ix_training_sessions_review_status'), table_name='training_sessions')
    op.drop_column('training_sessions', 'review_due_at')
    op.drop_column('training_sessions', 'review_status')
    op.drop_column('training_sessions', 'late')
    op.drop_column('training_sessions', 'shared_at')
    op.drop_constraint(op.f('ck_assignments_late_policy'), 'assignments', type_='check')
    op.drop_column('assignments', 'late_policy')
    op.drop_column('assignments', 'review_required')
    op.drop_column('assignments', 'min_score')
    op.drop_index(op.f('ix_team_members_user_id'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('teams')
