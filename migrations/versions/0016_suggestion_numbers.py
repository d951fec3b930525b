"""suggestions: short per-year numbers (S-2026-0412)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 17:00:00

- `number_year`, `number_seq` on suggestions, unique together (a unique index); both NULL until numbered.
- Existing suggestions are numbered here, per office-time year, in the order of (created_at, id):
  anonymous notes and paper slips are stored with the day only (midnight) and random ids, so within
  their day that order says nothing about when each was filed, just as `flask tick` will number them.
"""
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

suggestions = sa.table('suggestions', sa.column('id', sa.BigInteger()), sa.column('created_at', sa.DateTime()),
                       sa.column('number_year', sa.Integer()), sa.column('number_seq', sa.Integer()))


def _office_zone() -> ZoneInfo:
    try:
        from flask import current_app
        return ZoneInfo(current_app.config["TIMEZONE"])
    except (ImportError, RuntimeError, KeyError):
        return ZoneInfo("Asia/Shanghai")


def _number_existing() -> None:
    bind = op.get_bind()
    zone = _office_zone()
    last: dict[int, int] = {}
    rows = bind.execute(sa.select(suggestions.c.id, suggestions.c.created_at)
                        .order_by(suggestions.c.created_at, suggestions.c.id)).all()
    for suggestion_id, created_at in rows:
        year = created_at.replace(tzinfo=UTC).astimezone(zone).year
        last[year] = last.get(year, 0) + 1
        bind.execute(suggestions.update().where(suggestions.c.id == suggestion_id)
                     .values(number_year=year, number_seq=last[year]))


def upgrade():
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild on SQLite (see 0013 for why that is delicate).
    op.add_column('suggestions', sa.Column('number_year', sa.Integer(), nullable=True))
    op.add_column('suggestions', sa.Column('number_seq', sa.Integer(), nullable=True))
    _number_existing()
    op.create_index('ix_suggestions_number', 'suggestions', ['number_year', 'number_seq'], unique=True)


def downgrade():
    op.drop_index('ix_suggestions_number', table_name='suggestions')
    # Plain DROP COLUMN (SQLite 3.35+), again no rebuild.
    op.drop_column('suggestions', 'number_seq')
    op.drop_column('suggestions', 'number_year')
