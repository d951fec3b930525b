"""assigned tasks (issue 14): action items become one kind of task

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 17:00:00

One model for a liaison meeting's action items and the tasks assigned outside a meeting (督办):
- `meeting_actions.item_id` and `.meeting_id` may be NULL (a task from no meeting).
- New on `meeting_actions`: `source` ("meeting" for every existing row: they all are action items, so no
  other data moves), `source_note`, `details`, `percent`, `overdue_step`; an index on `created_by_id`
  (the assigner's overview) and on `source`.
- `meeting_action_events.percent`: a progress report's optional percentage.
- `task_summaries_sent`: which assigner got which week's summary (its key is the claim).
- `task_files`: documents attached to a task (checked PDF/office bytes).
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _sqlite_rebuild(rebuild) -> None:
    """As 0013: rebuild with foreign keys off, or dropping the old `meeting_actions` would cascade to every
    event and follow-up review. PRAGMA foreign_keys is ignored inside a transaction, hence the autocommit
    block around our own BEGIN ... COMMIT."""
    with op.get_context().autocommit_block():
        bind = op.get_bind()
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            bind.exec_driver_sql("BEGIN")
            try:
                rebuild()
                broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            except BaseException:
                bind.exec_driver_sql("ROLLBACK")
                raise
            bind.exec_driver_sql("COMMIT")
        finally:
            bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def _optional_meeting(nullable: bool) -> None:
    with op.batch_alter_table('meeting_actions', recreate='always' if _sqlite() else 'auto') as batch_op:
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=nullable)
        batch_op.alter_column('meeting_id', existing_type=sa.Integer(), nullable=nullable)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    op.add_column('meeting_actions', sa.Column('source', sa.String(length=20), server_default='meeting',
                                               nullable=False))
    op.add_column('meeting_actions', sa.Column('source_note', sa.String(length=200), server_default='',
                                               nullable=False))
    op.add_column('meeting_actions', sa.Column('details', sa.Text(), server_default='', nullable=False))
    op.add_column('meeting_actions', sa.Column('percent', sa.Integer(), nullable=True))
    op.add_column('meeting_actions', sa.Column('overdue_step', sa.Integer(), server_default='0', nullable=False))
    op.add_column('meeting_action_events', sa.Column('percent', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_meeting_actions_source'), 'meeting_actions', ['source'], unique=False)
    op.create_index(op.f('ix_meeting_actions_created_by_id'), 'meeting_actions', ['created_by_id'], unique=False)
    if _sqlite():
        _sqlite_rebuild(lambda: _optional_meeting(True))
    else:
        _optional_meeting(True)
    op.create_table('task_summaries_sent',
                    sa.Column('assigner_id', sa.Integer(), nullable=False),
                    sa.Column('week', sa.Date(), nullable=False),
                    sa.Column('sent_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['assigner_id'], ['users.id'],
                                            name=op.f('fk_task_summaries_sent_assigner_id_users'), ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('assigner_id', 'week', name=op.f('pk_task_summaries_sent')))
    op.create_table('task_files',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('task_id', sa.Integer(), nullable=False),
                    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
                    sa.Column('filename', sa.String(length=120), nullable=False),
                    sa.Column('content_type', sa.String(length=100), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['task_id'], ['meeting_actions.id'],
                                            name=op.f('fk_task_files_task_id_meeting_actions'), ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                            name=op.f('fk_task_files_uploaded_by_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_files')))
    op.create_index(op.f('ix_task_files_task_id'), 'task_files', ['task_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_task_files_task_id'), table_name='task_files')
    op.drop_table('task_files')
    op.drop_table('task_summaries_sent')
    # Tasks from no meeting cannot live in a table where every row belongs to a meeting: they go.
    op.execute("DELETE FROM meeting_actions WHERE meeting_id IS NULL OR item_id IS NULL")
    if _sqlite():
        _sqlite_rebuild(lambda: _optional_meeting(False))
    else:
        _optional_meeting(False)
    op.drop_index(op.f('ix_meeting_actions_created_by_id'), table_name='meeting_actions')
    op.drop_index(op.f('ix_meeting_actions_source'), table_name='meeting_actions')
    op.drop_column('meeting_action_events', 'percent')
    for column in ('overdue_step', 'percent', 'details', 'source_note', 'source'):
        op.drop_column('meeting_actions', column)
