"""ratings of repairs, visits and cross-department requests, one per record; suggestions routed to a
department (issue 16)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 01:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('rater_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_ratings_score_range')),
        sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_ratings_rater_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
        sa.UniqueConstraint('subject', 'subject_id', name='uq_ratings_subject_subject_id'),
    )
    op.create_index('ix_ratings_subject_created_at_score', 'ratings', ['subject', 'created_at', 'score'],
                    unique=False)
    op.create_table(
        'suggestion_routings',
        sa.Column('suggestion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False,
                  nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('routed_by_id', sa.Integer(), nullable=True),
        sa.Column('routed_at', sa.DateTime(), nullable=False),
        sa.Column('drafted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_suggestion_routings_department_id_departments')),
        sa.ForeignKeyConstraint(['routed_by_id'], ['users.id'], name=op.f('fk_suggestion_routings_routed_by_id_users')),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'],
                                name=op.f('fk_suggestion_routings_suggestion_id_suggestions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('suggestion_id', name=op.f('pk_suggestion_routings')),
    )
    op.create_index('ix_suggestion_routings_department_id_due_at', 'suggestion_routings',
                    ['department_id', 'due_at'], unique=False)


def downgrade():
    op.drop_index('ix_suggestion_routings_department_id_due_at', table_name='suggestion_routings')
    op.drop_table('suggestion_routings')
    op.drop_index('ix_ratings_subject_created_at_score', table_name='ratings')
    op.drop_table('ratings')
