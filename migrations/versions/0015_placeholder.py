"""meetings and visits first-week fixes (issue 13)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 17:00:00

PLACEHOLDER: reserved for the helper working on this issue; fill in (and rename the file).
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
