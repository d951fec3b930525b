"""the office's request figures read one covering index (issue #12: first views within budget)

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 02:20:00
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

OLD = ('created_at', 'answered_at', 'done_at')
NEW = ('created_at', 'department_id', 'type_id', 'answered_at', 'answer_due', 'done_at', 'complete_due')


def upgrade():
    op.drop_index('ix_service_requests_created_at_times', table_name='service_requests')
    op.create_index('ix_service_requests_created_at_cover', 'service_requests', list(NEW))


def downgrade():
    op.drop_index('ix_service_requests_created_at_cover', table_name='service_requests')
    op.create_index('ix_service_requests_created_at_times', 'service_requests', list(OLD))
