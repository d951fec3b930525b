"""working calendar: the company's own closure and working days

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_office_days_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_office_days'))
    )


def downgrade():
    op.drop_table('office_days')
