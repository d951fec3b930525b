"""visits: a visit's checklist read by (visit, state) (issue 12)

Lists count each listed visit's steps done and in all, and read only the open ones they show (the owner's
steps on my visits, the front desk's next steps). With a visit_id index and a (state, due_at) index, SQLite
without statistics picked the state index for "these visits' open steps" and walked every open step of the
year. One (visit_id, state) index answers both from the index and replaces the visit_id index it starts with.

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-29 12:40:00
"""
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_visit_steps_visit_id_state", "visit_steps", ["visit_id", "state"])
    op.drop_index("ix_visit_steps_visit_id", table_name="visit_steps")


def downgrade():
    op.create_index("ix_visit_steps_visit_id", "visit_steps", ["visit_id"])
    op.drop_index("ix_visit_steps_visit_id_state", table_name="visit_steps")
