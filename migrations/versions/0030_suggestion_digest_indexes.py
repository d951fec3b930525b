"""suggestions: the weekly digest read from covering indexes (issue 12)

The digest's count table groups a week of suggestions by category and status, and its list adds the ones
the office answered that week: both read every matching row for two or three columns. A week's suggestions
by (created_at, category_id, status) and the answers by (published_at, from_author, suggestion_id) answer
them from the indexes alone; the second replaces the published_at index it starts with.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-29 12:30:00
"""
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_suggestions_created_at_category_status", "suggestions",
                    ["created_at", "category_id", "status"])
    op.create_index("ix_suggestion_answers_published_at_from_author", "suggestion_answers",
                    ["published_at", "from_author", "suggestion_id"])
    op.drop_index("ix_suggestion_answers_published_at", table_name="suggestion_answers")


def downgrade():
    op.create_index("ix_suggestion_answers_published_at", "suggestion_answers", ["published_at"])
    op.drop_index("ix_suggestion_answers_published_at_from_author", table_name="suggestion_answers")
    op.drop_index("ix_suggestions_created_at_category_status", table_name="suggestions")
