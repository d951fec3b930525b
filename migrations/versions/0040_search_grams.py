"""search_grams: substring searches of suggestions, visits and people's names read an index

The triage's and the visitor register's text searches were LIKE '%…%' over every candidate row, and their
counts read them all (the register's "华" 12 ms at full scale). search_grams holds each searched row's
distinct characters and two-character pairs, case-folded (app/search_grams.py), with the suggestion's status
as its facet, so a search reads the postings of its grams and LIKE confirms only those rows (a one- or
two-character Chinese text needs no LIKE at all). Kept by every write (an after-flush hook);
backfilled here in batches. The folding is copied here so this migration keeps doing what it did.

Revision ID: 0040
Revises: 0039
Create Date: 2026-11-29 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

# kind: (table, its facet column or None, its searched columns)
SEARCHED = {"suggestion": ("suggestions", "status", ("title", "details")),
            "visit": ("visits", None, ("organisation", "visitor_names", "purpose")),
            "user": ("users", None, ("name",))}
BATCH = 2000


def _grams(texts):
    found = set()
    for text in texts:
        folded = "".join(ch.lower()[0] for ch in (text or ""))
        found.update(folded)
        found.update(folded[i:i + 2] for i in range(len(folded) - 1))
    return found


def upgrade():
    grams = op.create_table(
        'search_grams',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.Column('facet', sa.String(length=20), nullable=False),
        sa.Column('row_id', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'gram', 'facet', 'row_id', name=op.f('pk_search_grams')),
        sqlite_with_rowid=False)
    connection = op.get_bind()
    for kind, (table_name, facet, columns) in SEARCHED.items():
        table = sa.table(table_name, sa.column('id'), *(sa.column(name) for name in (facet, *columns) if name))
        facet_column = table.c[facet] if facet else sa.literal("")
        last = None
        while True:
            query = (sa.select(table.c.id, facet_column, *(table.c[name] for name in columns))
                     .order_by(table.c.id).limit(BATCH))
            rows = connection.execute(query if last is None else query.where(table.c.id > last)).all()
            if not rows:
                break
            connection.execute(grams.insert(), [{"kind": kind, "gram": gram, "facet": row[1], "row_id": row[0]}
                                                for row in rows for gram in _grams(row[2:])])
            last = rows[-1][0]
    # After the backfill: one sort instead of keeping a second index through three million inserts.
    op.create_index('ix_search_grams_kind_row_id', 'search_grams', ['kind', 'row_id'])


def downgrade():
    op.drop_index('ix_search_grams_kind_row_id', table_name='search_grams')
    op.drop_table('search_grams')
