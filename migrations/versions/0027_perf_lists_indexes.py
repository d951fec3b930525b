"""indexes for the monthly report and the triage's overdue filter (issue #12: first views within budget)

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29 06:00:00
"""
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

INDEXES = [
    # The report's repair counts and medians: one urgency's month of clocks read from the index alone.
    ("ix_repair_requests_urgency_created_at_clocks", "repair_requests",
     ["urgency", "created_at", "responded_at", "response_due", "done_at", "fix_due"]),
    # The triage's overdue filter newest first (unanswered ones only), and the report's "answered on time".
    ("ix_suggestions_first_answered_at_created_at", "suggestions",
     ["first_answered_at", "created_at", "answer_due_at", "status"]),
    # The report's visits completed in a month, and its suggestion ratings, without reading rows.
    ("ix_visits_status_departed_at", "visits", ["status", "departed_at"]),
    ("ix_suggestion_ratings_rated_on_score", "suggestion_ratings", ["rated_on", "score"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
