"""the office's request figures count unanswered requests past their due time as late: the covering index
gains the two columns that judge a stopped clock (waiting_since, closed_at), so the figures still read it alone

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 10:00:00
"""
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

NAME = 'ix_service_requests_created_at_cover'
OLD = ('created_at', 'department_id', 'type_id', 'answered_at', 'answer_due', 'done_at', 'complete_due')
NEW = (*OLD, 'waiting_since', 'closed_at')


def upgrade():
    op.drop_index(NAME, table_name='service_requests')
    op.create_index(NAME, 'service_requests', list(NEW))


def downgrade():
    op.drop_index(NAME, table_name='service_requests')
    op.create_index(NAME, 'service_requests', list(OLD))
