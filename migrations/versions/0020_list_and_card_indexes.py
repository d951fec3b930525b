"""indexes for the home cards and the repair lists (issue #12: first views flat in data size)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28 18:00:00
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

INDEXES = (
    # the office's repairs card: 30-day counts, medians and top equipment from the index alone
    ('ix_repair_requests_created_at_times', 'repair_requests',
     ['created_at', 'responded_at', 'done_at', 'equipment_id']),
    # the board's closed list filtered by category, newest first
    ('ix_repair_requests_category_closed_at', 'repair_requests', ['category', 'closed_at']),
    # the board's columns and their counts filtered by category
    ('ix_repair_requests_status_category', 'repair_requests', ['status', 'category']),
    # the repairs card's overdue count, from the index alone
    ('ix_repair_requests_status_clocks', 'repair_requests',
     ['status', 'response_due', 'responded_at', 'fix_due', 'waiting_since']),
    # the queue's own jobs of a technician
    ('ix_repair_requests_assignee_id_status', 'repair_requests', ['assignee_id', 'status']),
    # the queue's cursor: newest event of a kind
    ('ix_repair_events_kind_id', 'repair_events', ['kind', 'id']),
    # the suggestions card: a month's answers on time
    ('ix_suggestions_created_at_answers', 'suggestions', ['created_at', 'first_answered_at', 'answer_due_at']),
    # an employee's home: their own open suggestions, newest first
    ('ix_suggestions_author_id_created_at_status', 'suggestions', ['author_id', 'created_at', 'status']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
