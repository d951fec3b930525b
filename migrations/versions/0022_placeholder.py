"""ratings, surveys and suggestion routing (issue 16): reserved, filled by the work on that issue

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 01:40:00
"""

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
