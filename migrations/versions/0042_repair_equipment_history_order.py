"""an equipment's repair history read in its order from an index

repair_requests (equipment_id, created_at, id): the equipment page shows its requests newest first, 25 at a time.
Found from the (equipment_id, status) index, every request the equipment ever had was read and sorted for each
page, so the page grew with the equipment's history; this index hands the page over in order, and the database
stops after it.

Revision ID: 0042
Revises: 0040
Create Date: 2026-11-29 19:20:00
"""
from alembic import op

revision = '0042'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_repair_requests_equipment_id_created_at', 'repair_requests',
                    ['equipment_id', 'created_at', 'id'])


def downgrade():
    op.drop_index('ix_repair_requests_equipment_id_created_at', table_name='repair_requests')
