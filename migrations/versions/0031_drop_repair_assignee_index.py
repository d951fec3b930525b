"""drop the repair requests' single-column assignee index: (assignee_id, status) serves every lookup by assignee

With both, SQLite (which has no ANALYZE statistics here) took the narrower one for the queue's "my jobs" branch
when a filter was set and read every request the technician ever handled; the composite index's leading column
answers any lookup by assignee, on both databases.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-29 13:00:00
"""
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_repair_requests_assignee_id', table_name='repair_requests')


def downgrade():
    op.create_index('ix_repair_requests_assignee_id', 'repair_requests', ['assignee_id'])
