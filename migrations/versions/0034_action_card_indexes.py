"""the meetings home card's counts per department read from indexes alone (issue 12)

The card counted open, overdue and accepted-this-month items per department in one pass over every action
item ever made. Now two counts: unaccepted items by (state, department, deadline), and the month's
acceptances by (accepted_at, department), which replaces the index on accepted_at alone.

Revision ID: 0034
Revises: 0032
Create Date: 2026-11-29 12:20:00
"""
from alembic import op

revision = "0034"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_meeting_actions_state_department_deadline", "meeting_actions",
                    ["state", "department_id", "deadline"])
    op.create_index("ix_meeting_actions_accepted_at_department", "meeting_actions", ["accepted_at", "department_id"])
    op.drop_index("ix_meeting_actions_accepted_at", table_name="meeting_actions")


def downgrade():
    op.create_index("ix_meeting_actions_accepted_at", "meeting_actions", ["accepted_at"])
    op.drop_index("ix_meeting_actions_accepted_at_department", table_name="meeting_actions")
    op.drop_index("ix_meeting_actions_state_department_deadline", table_name="meeting_actions")
