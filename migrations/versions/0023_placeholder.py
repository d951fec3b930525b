"""repair escalation levels and other fixes (issues 11, 13, 14): reserved, filled by the work on that issue

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 01:40:00
"""

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
