"""cross-department requests (issue 14)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 17:00:00

PLACEHOLDER: reserved for the helper working on this issue; fill in (and rename the file).
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
