"""visits: the default reception checklist of each visit type, as reference data inserted here instead of on the first read

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 11:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

DAY = 24 * 60
# The same steps as app/visits/checklist.py DEFAULT_STEPS, written out: a migration must not change when the
# code does. (Chinese title, English title), responsible, anchor, offset in minutes.
TELL_GATE = (("通知前台和门卫", "Tell reception and the gate"), "owner", "arrival", -DAY)
SEE_OFF = (("送别访客", "See the visitors off"), "host", "departure", 0)
GREET = (("访客到达时迎接", "Greet the visitors on arrival"), "reception", "arrival", 0)
DEFAULT_STEPS = {
    "customer": [
        (("确认来访细节", "Confirm visit details"), "owner", "arrival", -2 * DAY),
        (("预订会议室", "Book the meeting room"), "owner", "arrival", -DAY),
        (("准备产品介绍资料", "Prepare product introduction materials"), "host", "arrival", -DAY),
        (("预订餐食", "Book meals"), "owner", "arrival", -DAY),
        TELL_GATE,
        (("测试会议室投影仪及设备", "Test the room's projector and equipment"), "technical", "arrival", -60),
        (("客户到达时迎接", "Greet the customer on arrival"), "reception", "arrival", 0),
        (("引导至会议室", "Escort to the meeting room"), "reception", "arrival", 0),
        SEE_OFF,
        (("记录来访成果及后续事项", "Note the visit outcome and follow-ups"), "owner", "departure", DAY),
    ],
    "supplier": [TELL_GATE, GREET, SEE_OFF],
    "audit": [(("为审核人员准备文件", "Prepare the documents for the auditors"), "host", "arrival", -DAY),
              TELL_GATE, GREET, SEE_OFF],
    "interview": [(("告知前台应聘者姓名", "Tell reception the candidate's name"), "host", "arrival", -DAY),
                  (("应聘者到达时迎接", "Greet the candidate on arrival"), "reception", "arrival", 0), SEE_OFF],
    "other": [TELL_GATE, GREET, SEE_OFF],
}

templates = sa.table(
    'visit_templates',
    sa.column('id', sa.Integer), sa.column('visit_type', sa.String), sa.column('updated_at', sa.DateTime),
)
template_steps = sa.table(
    'visit_template_steps',
    sa.column('template_id', sa.Integer), sa.column('position', sa.Integer), sa.column('title', sa.String),
    sa.column('description', sa.Text), sa.column('responsible', sa.String), sa.column('anchor', sa.String),
    sa.column('offset_minutes', sa.Integer),
)


def upgrade():
    connection = op.get_bind()
    # An installation that already has templates (made on a first read before this version, perhaps edited
    # by the office since) keeps them as they are.
    if connection.execute(sa.select(sa.func.count()).select_from(templates)).scalar():
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(templates, [{'visit_type': visit_type, 'updated_at': now} for visit_type in DEFAULT_STEPS])
    ids = dict(connection.execute(sa.select(templates.c.visit_type, templates.c.id)).all())
    # Step titles are stored text, written once in the office's default language (Chinese unless set otherwise).
    chinese = current_app.config['DEFAULT_LOCALE'].startswith('zh')
    op.bulk_insert(template_steps, [
        {'template_id': ids[visit_type], 'position': position, 'title': titles[0] if chinese else titles[1],
         'description': '', 'responsible': responsible, 'anchor': anchor, 'offset_minutes': offset}
        for visit_type, steps in DEFAULT_STEPS.items()
        for position, (titles, responsible, anchor, offset) in enumerate(steps)])


def downgrade():
    # The rows stay: visits copied them, and the office may have edited them (0004's downgrade drops the tables).
    pass
