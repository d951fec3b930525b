"""suggestions: no row order that dates an anonymous author

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00

- SQLite: the suggestions and answers tables are rebuilt so that their random id IS the rowid
  (INTEGER PRIMARY KEY). Before, a hidden rowid counted up in insertion order and put an anonymous
  note right after the named note its author had filed a moment before. Existing rows get their
  random id as rowid. (PostgreSQL has no rowid; nothing to do there for this.)
- Ratings lose their sequential id: a rating is keyed by its suggestion (one per suggestion).
- Answers get `thread_at`, their place in the thread; an anonymous author's replies keep it, and
  their `created_at`/`published_at` become the day only (midnight, office time), like the note.
"""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

answers = sa.table('suggestion_answers', sa.column('id', sa.BigInteger()), sa.column('suggestion_id', sa.BigInteger()),
                   sa.column('from_author', sa.Boolean()), sa.column('created_at', sa.DateTime()),
                   sa.column('published_at', sa.DateTime()), sa.column('thread_at', sa.DateTime()))
suggestions = sa.table('suggestions', sa.column('id', sa.BigInteger()), sa.column('anonymous', sa.Boolean()))


def _office_zone() -> ZoneInfo:
    try:
        from flask import current_app
        return ZoneInfo(current_app.config["TIMEZONE"])
    except (ImportError, RuntimeError, KeyError):
        return ZoneInfo("Asia/Shanghai")


def _midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start (office time) of the day of a stored naive-UTC moment, as naive UTC."""
    local_day = moment.replace(tzinfo=UTC).astimezone(zone).date()
    return datetime.combine(local_day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _date_anonymous_replies_by_day() -> None:
    """Every published answer keeps its moment as its place in the thread; an anonymous author's
    replies are then dated to the day only."""
    bind = op.get_bind()
    bind.execute(answers.update().where(answers.c.published_at.is_not(None))
                 .values(thread_at=answers.c.published_at))
    zone = _office_zone()
    anonymous_replies = bind.execute(
        sa.select(answers.c.id, answers.c.published_at)
        .where(answers.c.from_author.is_(True), answers.c.published_at.is_not(None),
               answers.c.suggestion_id.in_(sa.select(suggestions.c.id).where(suggestions.c.anonymous.is_(True)))))
    for answer_id, published_at in list(anonymous_replies):
        day = _midnight(published_at, zone)
        bind.execute(answers.update().where(answers.c.id == answer_id).values(created_at=day, published_at=day))


def _sqlite_rebuild(rebuild) -> None:
    """Rebuild tables on SQLite with foreign keys off, or dropping `suggestions` would cascade to
    every answer, note and rating. PRAGMA foreign_keys is ignored inside a transaction, hence the
    autocommit block around our own BEGIN ... COMMIT; the pooled connection gets the pragma back."""
    with op.get_context().autocommit_block():
        bind = op.get_bind()
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            bind.exec_driver_sql("BEGIN")
            try:
                rebuild()
                broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            except BaseException:
                bind.exec_driver_sql("ROLLBACK")
                raise
            bind.exec_driver_sql("COMMIT")
        finally:
            bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def _random_id_as_rowid() -> None:
    with op.batch_alter_table('suggestions', recreate='always') as batch_op:
        batch_op.alter_column('id', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False,
                              autoincrement=False)
    with op.batch_alter_table('suggestion_answers', recreate='always') as batch_op:
        batch_op.alter_column('id', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False,
                              autoincrement=False)
        batch_op.add_column(sa.Column('thread_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('suggestion_ratings', recreate='always') as batch_op:
        batch_op.drop_constraint('uq_suggestion_ratings_suggestion_id', type_='unique')
        batch_op.drop_constraint('pk_suggestion_ratings', type_='primary')
        batch_op.drop_column('id')
        batch_op.alter_column('suggestion_id', existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False, autoincrement=False)
        batch_op.create_primary_key('pk_suggestion_ratings', ['suggestion_id'])
    _date_anonymous_replies_by_day()


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(_random_id_as_rowid)
        return
    op.add_column('suggestion_answers', sa.Column('thread_at', sa.DateTime(), nullable=True))
    op.drop_constraint('uq_suggestion_ratings_suggestion_id', 'suggestion_ratings', type_='unique')
    op.drop_constraint('pk_suggestion_ratings', 'suggestion_ratings', type_='primary')
    op.drop_column('suggestion_ratings', 'id')  # its sequence goes with it
    op.create_primary_key('pk_suggestion_ratings', 'suggestion_ratings', ['suggestion_id'])
    _date_anonymous_replies_by_day()


def _hidden_rowid_again() -> None:
    with op.batch_alter_table('suggestion_ratings', recreate='always') as batch_op:
        batch_op.drop_constraint('pk_suggestion_ratings', type_='primary')
        batch_op.alter_column('suggestion_id', existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)
        # INTEGER PRIMARY KEY: the copied rows are numbered anew.
        batch_op.add_column(sa.Column('id', sa.Integer(), nullable=False))
        batch_op.create_primary_key('pk_suggestion_ratings', ['id'])
        batch_op.create_unique_constraint('uq_suggestion_ratings_suggestion_id', ['suggestion_id'])
    with op.batch_alter_table('suggestion_answers', recreate='always') as batch_op:
        batch_op.drop_column('thread_at')
        batch_op.alter_column('id', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False,
                              autoincrement=False)
    with op.batch_alter_table('suggestions', recreate='always') as batch_op:
        batch_op.alter_column('id', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False,
                              autoincrement=False)


def downgrade():
    # The day-only dates of anonymous replies stay: the moments they replaced are not kept anywhere.
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_rebuild(_hidden_rowid_again)
        return
    op.drop_constraint('pk_suggestion_ratings', 'suggestion_ratings', type_='primary')
    op.execute("ALTER TABLE suggestion_ratings ADD COLUMN id SERIAL NOT NULL")  # numbered anew, as in 0002
    op.create_primary_key('pk_suggestion_ratings', 'suggestion_ratings', ['id'])
    op.create_unique_constraint('uq_suggestion_ratings_suggestion_id', 'suggestion_ratings', ['suggestion_id'])
    op.drop_column('suggestion_answers', 'thread_at')
