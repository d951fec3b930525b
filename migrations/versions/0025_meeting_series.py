"""meeting series (issue #15): the liaison meeting and groups with named members

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 06:00:00

- `meeting_series`: name zh/en, kind (`liaison` | `group`), active, default place and room. The one liaison
  series is created here and every existing meeting points at it; `meetings.series_id` is NOT NULL after.
- `meeting_series_members`: a group's people (the liaison series' members are the liaisons, as before).
- `meeting_member_attendance`: a group meeting's attendance per member (the liaison meeting keeps
  `meeting_attendance` per department).
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _sqlite_rebuild(rebuild) -> None:
    """As 0018: rebuild `meetings` with foreign keys off, or dropping the old table would cascade to every
    agenda item, answer and action item. PRAGMA foreign_keys is ignored inside a transaction."""
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


def _series_required() -> None:
    with op.batch_alter_table('meetings', recreate='always' if _sqlite() else 'auto') as batch_op:
        batch_op.alter_column('series_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_meetings_series_id_meeting_series'), 'meeting_series',
                                    ['series_id'], ['id'])


def upgrade():
    op.create_table('meeting_series',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=80), nullable=False),
                    sa.Column('name_en', sa.String(length=80), server_default='', nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
                    sa.Column('place', sa.String(length=120), server_default='', nullable=False),
                    sa.Column('room_id', sa.Integer(), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_meeting_series_room_id_rooms')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series')))
    op.create_table('meeting_series_members',
                    sa.Column('series_id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'],
                                            name=op.f('fk_meeting_series_members_series_id_meeting_series'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                            name=op.f('fk_meeting_series_members_user_id_users')),
                    sa.PrimaryKeyConstraint('series_id', 'user_id', name=op.f('pk_meeting_series_members')))
    op.create_index(op.f('ix_meeting_series_members_user_id'), 'meeting_series_members', ['user_id'], unique=False)
    op.create_table('meeting_member_attendance',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('meeting_id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('status', sa.String(length=20), nullable=False),
                    sa.Column('substitute', sa.String(length=80), nullable=False),
                    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                            name=op.f('fk_meeting_member_attendance_meeting_id_meetings'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                            name=op.f('fk_meeting_member_attendance_user_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_member_attendance')),
                    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_member_attendance_meeting_user'))
    op.create_index(op.f('ix_meeting_member_attendance_meeting_id'), 'meeting_member_attendance', ['meeting_id'],
                    unique=False)
    series = sa.table('meeting_series', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('name_en', sa.String), sa.column('kind', sa.String), sa.column('active', sa.Boolean),
                      sa.column('place', sa.String), sa.column('created_at', sa.DateTime))
    op.execute(series.insert().values(id=1, name='部门联络员会议', name_en='Liaison meeting', kind='liaison',
                                      active=True, place='', created_at=sa.func.now()))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval('meeting_series_id_seq', 1)")
    op.add_column('meetings', sa.Column('series_id', sa.Integer(), nullable=True))
    op.execute("UPDATE meetings SET series_id = 1")
    op.create_index(op.f('ix_meetings_series_id'), 'meetings', ['series_id'], unique=False)
    if _sqlite():
        _sqlite_rebuild(_series_required)
    else:
        _series_required()


def _series_dropped() -> None:
    with op.batch_alter_table('meetings', recreate='always' if _sqlite() else 'auto') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_series_id_meeting_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_series_id'))
        batch_op.drop_column('series_id')


def downgrade():
    if _sqlite():
        _sqlite_rebuild(_series_dropped)
    else:
        _series_dropped()
    op.drop_index(op.f('ix_meeting_member_attendance_meeting_id'), table_name='meeting_member_attendance')
    op.drop_table('meeting_member_attendance')
    op.drop_index(op.f('ix_meeting_series_members_user_id'), table_name='meeting_series_members')
    op.drop_table('meeting_series_members')
    op.drop_table('meeting_series')
