"""a person's own visits and repair reports found from indexes

visits (requested_by_id): an employee's visit list is the visits they host, own, co-host or asked for; with no
index on the last, the list walked every upcoming visit (35 days of them) and tested each, so it grew with the
company's bookings rather than with the person's own.

repair_events (actor_id, kind, repair_id) in place of (actor_id): "my repairs" looks up the requests the user
added a report to; through the old index it read every event the user ever caused (a thousand submissions for a
busy reporter) to find the few reports.

Revision ID: 0043
Revises: 0042
Create Date: 2026-11-30 02:20:00
"""
from alembic import op

revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visits_requested_by_id', 'visits', ['requested_by_id'])
    op.create_index('ix_repair_events_actor_id_kind_repair_id', 'repair_events', ['actor_id', 'kind', 'repair_id'])
    op.drop_index('ix_repair_events_actor_id', table_name='repair_events')


def downgrade():
    op.create_index('ix_repair_events_actor_id', 'repair_events', ['actor_id'])
    op.drop_index('ix_repair_events_actor_id_kind_repair_id', table_name='repair_events')
    op.drop_index('ix_visits_requested_by_id', table_name='visits')
