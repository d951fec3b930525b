"""repair escalation in two levels (issue 11): all maintenance, then the office

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 01:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('repair_requests') as batch:
        batch.add_column(sa.Column('escalation_level', sa.Integer(), server_default='0', nullable=False))
    # Requests escalated under the one-level rule had all maintenance and the office alerted at once.
    op.execute("UPDATE repair_requests SET escalation_level = 2 WHERE escalated_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('repair_requests') as batch:
        batch.drop_column('escalation_level')
