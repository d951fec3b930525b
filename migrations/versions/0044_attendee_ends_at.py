"""an attendee row keeps its booking's end

booking_attendees.ends_at (a copy of bookings.ends_at, kept by app.rooms.models._attendees_keep_the_end) and the
index (user_id, ends_at, booking_id) in place of (user_id, booking_id): "my bookings" reads a person's coming
invitations from the index alone. Through the old index it looked up every booking the person was ever invited
to (822 in the benchmark's year) to keep the future ones, so the page grew with the years of use.

Revision ID: 0044
Revises: 0043
Create Date: 2026-11-30 06:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('booking_attendees', sa.Column('ends_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE booking_attendees SET ends_at = "
               "(SELECT bookings.ends_at FROM bookings WHERE bookings.id = booking_attendees.booking_id)")
    # booking_attendees is referenced by no table, so SQLite's rebuild of it cascades nowhere.
    with op.batch_alter_table('booking_attendees') as batch:
        batch.alter_column('ends_at', existing_type=sa.DateTime(), nullable=False)
    op.create_index('ix_booking_attendees_user_id_ends_at', 'booking_attendees',
                    ['user_id', 'ends_at', 'booking_id'])
    op.drop_index('ix_booking_attendees_user_id_booking_id', table_name='booking_attendees')


def downgrade():
    op.create_index('ix_booking_attendees_user_id_booking_id', 'booking_attendees', ['user_id', 'booking_id'])
    op.drop_index('ix_booking_attendees_user_id_ends_at', table_name='booking_attendees')
    with op.batch_alter_table('booking_attendees') as batch:
        batch.drop_column('ends_at')
