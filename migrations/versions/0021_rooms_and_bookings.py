"""rooms and bookings (issue 15): the visits' room list becomes the shared one, bookings, answers, checks

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 01:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

ROOM_COLUMNS = (
    ('name_en', sa.String(length=80), "''"), ('building', sa.String(length=80), "''"),
    ('floor', sa.String(length=20), "''"), ('capacity', sa.Integer(), '0'),
    ('projector', sa.Boolean(), 'false'), ('video', sa.Boolean(), 'false'),
    ('whiteboard', sa.Boolean(), 'false'), ('needs_approval', sa.Boolean(), 'false'),
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _rename_room_table(old: str, new: str) -> None:
    """SQLite renames the table and rewrites the visits' reference to it; its constraint names live in the
    table's text. On PostgreSQL the key, sequence and reference names follow the table; the unique name
    keeps `uq_visit_rooms_name` on both (see the model).
    No batch copy of the table: with foreign keys on, SQLite would refuse to drop a room visits point at."""
    op.rename_table(old, new)
    if _postgres():
        op.execute(f'ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq')
        op.execute(f'ALTER TABLE {new} RENAME CONSTRAINT pk_{old} TO pk_{new}')
        op.execute(f'ALTER TABLE visits RENAME CONSTRAINT fk_visits_room_id_{old} TO fk_visits_room_id_{new}')


def upgrade():
    _rename_room_table('visit_rooms', 'rooms')
    # The defaults stay on the columns: dropping one would make SQLite copy the table (see above).
    for name, kind, default in ROOM_COLUMNS:
        op.add_column('rooms', sa.Column(name, kind, nullable=False, server_default=sa.text(default)))
    op.create_table('booking_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interval_weeks', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series'))
    )
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('need_projector', sa.Boolean(), nullable=False),
    sa.Column('need_video', sa.Boolean(), nullable=False),
    sa.Column('need_tea', sa.Boolean(), nullable=False),
    sa.Column('need_name_cards', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_bookings_meeting_id_meetings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_bookings_organiser_id_users')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_bookings_room_id_rooms')),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_bookings_series_id_booking_series')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_bookings_visit_id_visits'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    op.create_index('ix_bookings_room_id_starts_at', 'bookings', ['room_id', 'starts_at'], unique=False)
    op.create_index('ix_bookings_starts_at_status', 'bookings', ['starts_at', 'status'], unique=False)
    op.create_index('ix_bookings_organiser_id_starts_at', 'bookings', ['organiser_id', 'starts_at'], unique=False)
    op.create_index(op.f('ix_bookings_visit_id'), 'bookings', ['visit_id'], unique=False)
    op.create_index(op.f('ix_bookings_meeting_id'), 'bookings', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_bookings_series_id'), 'bookings', ['series_id'], unique=False)
    op.create_table('booking_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_attendees_booking_id_bookings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_id'], ['users.id'], name=op.f('fk_booking_attendees_substitute_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_booking_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_attendees')),
    sa.UniqueConstraint('booking_id', 'user_id', name=op.f('uq_booking_attendees_booking_id'))
    )
    op.create_index('ix_booking_attendees_user_id_booking_id', 'booking_attendees', ['user_id', 'booking_id'],
                    unique=False)
    op.create_table('equipment_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('nudged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_equipment_checks_assignee_id_users')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_equipment_checks_booking_id_bookings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_equipment_checks_checked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_checks')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_equipment_checks_booking_id'))
    )
    op.create_index('ix_equipment_checks_due_at_status', 'equipment_checks', ['due_at', 'status'], unique=False)
    op.create_index('ix_equipment_checks_assignee_id_due_at', 'equipment_checks', ['assignee_id', 'due_at'],
                    unique=False)
    op.add_column('meetings', sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('meeting_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_answers_meeting_id_meetings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_id'], ['users.id'], name=op.f('fk_meeting_answers_substitute_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_answers')),
    sa.UniqueConstraint('meeting_id', 'user_id', name='uq_meeting_answers_meeting_user')
    )
    op.create_index(op.f('ix_meeting_answers_meeting_id'), 'meeting_answers', ['meeting_id'], unique=False)
    # Visits already planned in a listed room hold it from now on: one clash check for everything.
    op.execute("INSERT INTO bookings (room_id, starts_at, ends_at, title, organiser_id, agenda, need_projector, "
               "need_video, need_tea, need_name_cards, status, visit_id, sequence, created_at) "
               "SELECT room_id, expected_arrival, expected_departure, organisation, COALESCE(owner_id, host_id), '', "
               "false, false, false, false, 'confirmed', id, 0, created_at FROM visits "
               "WHERE room_id IS NOT NULL AND status IN ('requested', 'planned', 'in_progress')")


def downgrade():
    op.drop_index(op.f('ix_meeting_answers_meeting_id'), table_name='meeting_answers')
    op.drop_table('meeting_answers')
    op.drop_column('meetings', 'sequence')
    op.drop_index('ix_equipment_checks_assignee_id_due_at', table_name='equipment_checks')
    op.drop_index('ix_equipment_checks_due_at_status', table_name='equipment_checks')
    op.drop_table('equipment_checks')
    op.drop_index('ix_booking_attendees_user_id_booking_id', table_name='booking_attendees')
    op.drop_table('booking_attendees')
    for name in ('ix_bookings_series_id', 'ix_bookings_meeting_id', 'ix_bookings_visit_id',
                 'ix_bookings_organiser_id_starts_at', 'ix_bookings_starts_at_status', 'ix_bookings_room_id_starts_at'):
        op.drop_index(name, table_name='bookings')
    op.drop_table('bookings')
    op.drop_table('booking_series')
    for name, _kind, _default in reversed(ROOM_COLUMNS):
        op.drop_column('rooms', name)
    _rename_room_table('rooms', 'visit_rooms')
