"""rooms and bookings (issue 15): reserved, filled by the work on that issue

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 01:40:00
"""

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
