"""revision counters: one number per topic, raised with every write (repeat views answered with 304)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revisions',
                    sa.Column('topic', sa.String(length=100), nullable=False),
                    sa.Column('n', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('topic', name=op.f('pk_revisions')))


def downgrade():
    op.drop_table('revisions')
