"""meetings: freeze the minutes at close (action states, attendance with liaison names); separate outcome version

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Meetings closed before this migration are frozen as they stand now: the best record there is.
FREEZE_CLOSED_MEETINGS = [
    """INSERT INTO meeting_attendance (meeting_id, department_id, status, substitute, liaison_name)
       SELECT m.id, d.id, 'absent', '', '' FROM meetings m CROSS JOIN departments d
       WHERE m.status = 'closed' AND d.active
         AND NOT EXISTS (SELECT 1 FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.department_id = d.id)""",
    """UPDATE meeting_attendance SET liaison_name = COALESCE((
         SELECT MIN(u.name) FROM users u JOIN user_roles r ON r.user_id = u.id
         WHERE r.role = 'liaison' AND u.active AND u.department_id = meeting_attendance.department_id), '')
       WHERE meeting_id IN (SELECT id FROM meetings WHERE status = 'closed')""",
    """UPDATE meeting_actions SET closed_state = state
       WHERE meeting_id IN (SELECT id FROM meetings WHERE status = 'closed')""",
]


def upgrade():
    op.add_column('meeting_items', sa.Column('outcome_version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('meeting_attendance', sa.Column('liaison_name', sa.String(length=80), server_default='',
                                                  nullable=False))
    op.add_column('meeting_actions', sa.Column('closed_state', sa.String(length=20), nullable=True))
    for statement in FREEZE_CLOSED_MEETINGS:
        op.execute(sa.text(statement))


def downgrade():
    # The 'absent' rows added above stay: an absent row and no row mean the same.
    with op.batch_alter_table('meeting_actions') as batch_op:
        batch_op.drop_column('closed_state')
    with op.batch_alter_table('meeting_attendance') as batch_op:
        batch_op.drop_column('liaison_name')
    with op.batch_alter_table('meeting_items') as batch_op:
        batch_op.drop_column('outcome_version')
