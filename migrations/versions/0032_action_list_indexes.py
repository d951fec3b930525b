"""indexes for the action and task lists and the task overview (issue #12: first views within budget)

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-29 12:00:00
"""
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

INDEXES = [
    # The lists' order (deadline, then id) walked from one end, stopping after a page; with a liaison's own
    # department first, that department's part walks the first index and the rest the second.
    ("ix_meeting_actions_department_id_deadline_id", "meeting_actions", ["department_id", "deadline", "id"]),
    ("ix_meeting_actions_deadline_id", "meeting_actions", ["deadline", "id"]),
    # An assigner's overview: each group's first tasks and the counts of those still open, from the index alone.
    ("ix_meeting_actions_created_by_id_state_deadline_id", "meeting_actions",
     ["created_by_id", "state", "deadline", "id"]),
    # A liaison's count of what they may see (meeting, owner, assigner) from the index alone.
    ("ix_meeting_actions_meeting_id_owner_id_created_by_id", "meeting_actions",
     ["meeting_id", "owner_id", "created_by_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
