"""the repair board's and the office request list's orders read covering indexes (issue #12: first views)

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 06:10:00
"""
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# (table, old name, old columns, new name, new columns): each new index keeps the old one's leading columns,
# so every query that used the old one can use the new one.
WIDENED = [
    ('repair_requests', 'ix_repair_requests_status_clocks',
     ('status', 'response_due', 'responded_at', 'fix_due', 'waiting_since'),
     'ix_repair_requests_status_clocks_urgency',
     ('status', 'response_due', 'responded_at', 'fix_due', 'waiting_since', 'urgency')),
    ('service_requests', 'ix_service_requests_status_complete_due', ('status', 'complete_due'),
     'ix_service_requests_status_complete_due_cover',
     ('status', 'complete_due', 'department_id', 'type_id', 'answered_at', 'answer_due', 'waiting_since')),
]


def upgrade():
    for table, old, _old_columns, new, new_columns in WIDENED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, list(new_columns))


def downgrade():
    for table, old, old_columns, new, _new_columns in WIDENED:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, list(old_columns))
