"""messages outbox, deliveries and preferences (issue 11)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 17:00:00

- users: e-mail, WeCom and DingTalk user ids, quiet hours.
- notifications: their kind of event, and the untranslated message with its arguments (so the bell
  shows a message in the reader's current language).
- deliveries: the outbox, one row per notification and outside channel.
- notification_preferences: the channels a user chose for a kind of event.
- meetings: when liaisons were reminded of it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('wecom_userid', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('dingtalk_userid', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('quiet_start', sa.String(length=5), nullable=True))
        batch.add_column(sa.Column('quiet_end', sa.String(length=5), nullable=True))
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=30), server_default='general', nullable=False))
        batch.add_column(sa.Column('message_id', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('message_args', sa.JSON(), nullable=True))
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))
    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('attachment', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deliveries_state_next_attempt_at', 'deliveries', ['state', 'next_attempt_at'])
    op.create_index('ix_deliveries_created_at', 'deliveries', ['created_at'])
    op.create_index('ix_deliveries_notification_id', 'deliveries', ['notification_id'])
    op.create_table(
        'notification_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('channels', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preferences_user_kind'),
    )


def downgrade():
    op.drop_table('notification_preferences')
    op.drop_index('ix_deliveries_notification_id', table_name='deliveries')
    op.drop_index('ix_deliveries_created_at', table_name='deliveries')
    op.drop_index('ix_deliveries_state_next_attempt_at', table_name='deliveries')
    op.drop_table('deliveries')
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('reminded_at')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('message_args')
        batch.drop_column('message_id')
        batch.drop_column('kind')
    with op.batch_alter_table('users') as batch:
        for column in ('quiet_end', 'quiet_start', 'dingtalk_userid', 'wecom_userid', 'email'):
            batch.drop_column(column)
