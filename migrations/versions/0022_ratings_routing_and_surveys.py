"""ratings of repairs, visits and cross-department requests, one per record; suggestions routed to a
department; the department satisfaction survey; indexes for the monthly report (issue 16)

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

    _surveys()
    # The monthly report: a month's tasks assigned, and those due, from the index alone.
    op.create_index('ix_meeting_actions_created_at', 'meeting_actions', ['created_at'], unique=False)
    op.create_index('ix_meeting_actions_deadline_accepted_at', 'meeting_actions', ['deadline', 'accepted_at'],
                    unique=False)


RANDOM_KEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _surveys():
    op.create_table(
        'survey_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_rounds_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rounds')),
    )
    op.create_table(
        'survey_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'],
                                name=op.f('fk_survey_questions_round_id_survey_rounds'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    )
    op.create_index(op.f('ix_survey_questions_round_id'), 'survey_questions', ['round_id'], unique=False)
    op.create_table(
        'survey_invites',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'],
                                name=op.f('fk_survey_invites_round_id_survey_rounds'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_invites_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_survey_invites')),
    )
    op.create_index(op.f('ix_survey_invites_user_id'), 'survey_invites', ['user_id'], unique=False)
    op.create_table(
        'survey_answers',
        sa.Column('id', RANDOM_KEY, autoincrement=False, nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('comment', sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_survey_answers_department_id_departments')),
        sa.ForeignKeyConstraint(['round_id'], ['survey_rounds.id'],
                                name=op.f('fk_survey_answers_round_id_survey_rounds'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    )
    op.create_index(op.f('ix_survey_answers_round_id'), 'survey_answers', ['round_id'], unique=False)
    op.create_table(
        'survey_scores',
        sa.Column('answer_id', RANDOM_KEY, autoincrement=False, nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_survey_scores_score_range')),
        sa.ForeignKeyConstraint(['answer_id'], ['survey_answers.id'],
                                name=op.f('fk_survey_scores_answer_id_survey_answers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'],
                                name=op.f('fk_survey_scores_question_id_survey_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('answer_id', 'question_id', name=op.f('pk_survey_scores')),
    )
    op.create_index(op.f('ix_survey_scores_question_id'), 'survey_scores', ['question_id'], unique=False)


def downgrade():
    op.drop_index('ix_meeting_actions_deadline_accepted_at', table_name='meeting_actions')
    op.drop_index('ix_meeting_actions_created_at', table_name='meeting_actions')
    for table in ('survey_scores', 'survey_answers', 'survey_invites', 'survey_questions', 'survey_rounds'):
        op.drop_table(table)
    op.drop_index('ix_suggestion_routings_department_id_due_at', table_name='suggestion_routings')
    op.drop_table('suggestion_routings')
    op.drop_index('ix_ratings_subject_created_at_score', table_name='ratings')
    op.drop_table('ratings')
