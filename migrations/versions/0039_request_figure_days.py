"""the office's request figures read a row per department, type and day, and stored spans (issue #12)

request_figure_days: per department, request type and day of filing, the counts of the figures that no longer
change with time (filed, answered or closed unanswered past due, on time, done or stopped past due, on time,
and how many spans each median is taken from), kept by every write of a request (app/requests/figures.py).
A 30/90-day window reads a row a day instead of every request filed in it; its first, partial day and the
requests whose clocks still run are read from the requests, the latter through a new (closed_at, created_at, ...)
index that holds the open requests first.

service_requests.answer_seconds, done_seconds: the spans from filing to the first answer and to done, each in an
index (department_id, type_id, span, created_at), so a median is found by walking one department and type's spans
in order, skipping those filed before the window, up to its middle: no sort of the window's spans (which cost
10 ms for a 90-day window at the benchmark's scale). They replace the (department_id, type_id, created_at,
answered_at, done_at) index of migration 0036.

Both are backfilled here from the requests, as the app works them out.

Revision ID: 0039
Revises: 0037
Create Date: 2026-11-29 15:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0039'
down_revision = '0037'
branch_labels = None
depends_on = None

COUNTS = ('filed', 'answered', 'answered_on_time', 'done', 'done_on_time', 'answer_spans', 'done_spans')
CLOCKS = ('created_at', 'answered_at', 'answer_due', 'done_at', 'complete_due', 'waiting_since', 'closed_at')
RUNNING = ('closed_at', 'created_at', 'department_id', 'type_id', 'answered_at', 'answer_due', 'done_at',
           'waiting_since', 'complete_due')


def _counts(created_at, answered_at, answer_due, done_at, complete_due, waiting_since, closed_at):
    """As app/requests/figures.py counts a request, frozen here."""
    answer_stopped, done_stopped = closed_at, waiting_since or closed_at
    return (1,
            int(answered_at is not None or (answer_stopped is not None and answer_due < answer_stopped)),
            int(answered_at is not None and answered_at <= answer_due),
            int(done_at is not None or (done_stopped is not None and complete_due < done_stopped)),
            int(done_at is not None and done_at <= complete_due),
            int(answered_at is not None), int(done_at is not None))


def _seconds(start, end):
    return None if end is None else (end - start).total_seconds()


def _backfill():
    requests = sa.table('service_requests', sa.column('id', sa.Integer), sa.column('department_id', sa.Integer),
                        sa.column('type_id', sa.Integer), sa.column('answer_seconds', sa.Double),
                        sa.column('done_seconds', sa.Double), *(sa.column(name, sa.DateTime) for name in CLOCKS))
    days = sa.table('request_figure_days', sa.column('day', sa.Date), sa.column('department_id', sa.Integer),
                    sa.column('type_id', sa.Integer), *(sa.column(name, sa.Integer) for name in COUNTS))
    connection = op.get_bind()
    totals, spans = {}, []
    for ident, department_id, type_id, *clocks in connection.execute(
            sa.select(requests.c.id, requests.c.department_id, requests.c.type_id,
                      *(requests.c[name] for name in CLOCKS))):
        key = (clocks[0].date(), department_id, type_id)
        totals[key] = tuple(a + b for a, b in zip(totals.get(key, (0,) * len(COUNTS)), _counts(*clocks), strict=True))
        spans.append({'ident': ident, 'span_answer': _seconds(clocks[0], clocks[1]),
                      'span_done': _seconds(clocks[0], clocks[3])})
    if spans:
        connection.execute(requests.update().where(requests.c.id == sa.bindparam('ident'))
                           .values(answer_seconds=sa.bindparam('span_answer'),
                                   done_seconds=sa.bindparam('span_done')), spans)
    if totals:
        connection.execute(days.insert(), [{'day': key[0], 'department_id': key[1], 'type_id': key[2],
                                            **dict(zip(COUNTS, counted, strict=True))} for key, counted in totals.items()])


def upgrade():
    op.create_table(
        'request_figure_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('type_id', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_request_figure_days_department_id_departments')),
        sa.ForeignKeyConstraint(['type_id'], ['request_types.id'],
                                name=op.f('fk_request_figure_days_type_id_request_types')),
        sa.PrimaryKeyConstraint('day', 'department_id', 'type_id', name=op.f('pk_request_figure_days')),
    )
    with op.batch_alter_table('service_requests') as batch:
        batch.add_column(sa.Column('answer_seconds', sa.Double(), nullable=True))
        batch.add_column(sa.Column('done_seconds', sa.Double(), nullable=True))
    _backfill()
    op.drop_index('ix_service_requests_department_type_created_clocks', table_name='service_requests')
    op.create_index('ix_service_requests_answer_spans', 'service_requests',
                    ['department_id', 'type_id', 'answer_seconds', 'created_at'])
    op.create_index('ix_service_requests_done_spans', 'service_requests',
                    ['department_id', 'type_id', 'done_seconds', 'created_at'])
    op.create_index('ix_service_requests_closed_at_clocks', 'service_requests', list(RUNNING))


def downgrade():
    op.drop_index('ix_service_requests_closed_at_clocks', table_name='service_requests')
    op.drop_index('ix_service_requests_done_spans', table_name='service_requests')
    op.drop_index('ix_service_requests_answer_spans', table_name='service_requests')
    op.create_index('ix_service_requests_department_type_created_clocks', 'service_requests',
                    ['department_id', 'type_id', 'created_at', 'answered_at', 'done_at'])
    with op.batch_alter_table('service_requests') as batch:
        batch.drop_column('done_seconds')
        batch.drop_column('answer_seconds')
    op.drop_table('request_figure_days')
