"""meetings and visits first-week fixes (issue 13)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 17:00:00

- meetings.started_at: when the office started the meeting; presence from then on proposes attendance.
- visit_steps.late_planned: the step was already past when the visit was planned; it stays doable but never
  counts as overdue.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('visit_steps') as batch:
        batch.add_column(sa.Column('late_planned', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('visit_steps') as batch:
        batch.drop_column('late_planned')
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('started_at')
