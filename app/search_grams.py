"""Substring search that reads an index: every searched text's single characters and two-character grams.

A search for "%食堂%" cannot use an ordinary index, so a list filtered by text read every candidate row and
the count read them all. Here each searched row keeps, in `search_grams`, the distinct characters and
adjacent pairs of its searched fields, case-folded; a search first narrows to the rows holding the grams of
the typed text (a one-character text: its character; a longer one: its pairs), then the list's own LIKE
confirms the whole substring, so the matches are exactly the LIKE's.

A text of one or two characters that have no case (Chinese, digits, punctuation, emoji) is matched by its
gram alone: a row holds the gram exactly when the text is in one of its fields, so no row is read. A list's
most used filter can be kept with each gram as its `facet` (the suggestions' status), so "new suggestions
about 食堂" is counted from the index too.

The grams are kept by the writes themselves, so no service can forget them: after every flush the grams of
each searched row that was added, changed in a searched field or its facet, or deleted are rewritten in the
same transaction; a bulk ORM statement (insert(Model) with rows, update(Model)/delete(Model) with a WHERE:
the visits' personal-data purge, the benchmark's data) rewrites those of the rows it wrote.
"""
import re
from typing import NamedTuple

from sqlalchemy import BigInteger, Index, String, and_, delete, event, insert, inspect, intersect, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

SEARCHED = {}  # model class -> Searched
MOST_GRAMS = 4  # a long text narrows by a few of its pairs; LIKE checks the rest
WILDCARDS = re.compile(r"[%_\\]+")


class Searched(NamedTuple):
    kind: str
    columns: tuple[str, ...]
    facet: str | None  # a column kept with each gram, so a list filtered by it reads the index alone


class SearchGram(db.Model):
    __tablename__ = "search_grams"
    __table_args__ = (Index("ix_search_grams_kind_row_id", "kind", "row_id"), {"sqlite_with_rowid": False})

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


def searched(kind: str, *columns: str, facet: str | None = None):
    """Class decorator: keep grams of these columns of the model under `kind`, each with the `facet` column."""
    def register(model):
        SEARCHED[model] = Searched(kind, columns, facet)
        return model
    return register


def fold(text: str) -> str:
    """Lower-cased character by character, one character for one. A database's case-insensitive LIKE
    matches at most what this folding matches (SQLite folds ASCII letters only, PostgreSQL's ILIKE each
    character by its lower()); folding a character more than the database does only adds a candidate
    that the LIKE then drops. Whole-string lower() would not do: it turns a final Σ into ς, İ into two."""
    return "".join(ch.lower()[0] for ch in text)


def grams_of(*texts: str | None) -> set[str]:
    """The distinct characters and adjacent pairs of each text (pairs never span two texts)."""
    found = set()
    for text in texts:
        folded = fold(text or "")
        found.update(folded)
        found.update(folded[i:i + 2] for i in range(len(folded) - 1))
    return found


def needed_grams(q: str, wildcards: bool = False) -> list[str]:
    """Grams every row matching `q` must hold: its character when it is one, else some of its pairs.
    With `wildcards` (a LIKE pattern typed as is) each run between %, _ and \\ counts on its own."""
    runs = WILDCARDS.split(q) if wildcards else [q]
    needed = []
    for run in map(fold, runs):
        grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        needed.extend(gram for gram in grams if gram not in needed)
    return needed[:MOST_GRAMS - 1] + needed[-1:] if len(needed) > MOST_GRAMS else needed


def decides(q: str, wildcards: bool = False) -> bool:
    """True when holding the gram is exactly matching the text: one or two characters without case (a cased
    letter may fold differently in the database, e.g. the Kelvin sign K is "k" here but not in SQLite)."""
    if wildcards and WILDCARDS.search(q):
        return False
    return 1 <= len(q) <= 2 and all(ch.lower() == ch == ch.upper() for ch in q)


def postings(model, gram: str, facet: str | tuple[str, ...] | None = None):
    """The ids of the model's rows holding the gram, from the index: with that facet value, or one of those
    values (a probe names every value: each lookup is then a seek on the whole key, not a walk of the gram)."""
    kind = SEARCHED[model].kind
    query = select(SearchGram.row_id).where(SearchGram.kind == kind, SearchGram.gram == gram)
    if facet is None:
        return query
    return query.where(SearchGram.facet.in_(facet) if isinstance(facet, tuple) else SearchGram.facet == facet)


def holding(model, q: str, wildcards: bool = False, facet: str | tuple[str, ...] | None = None,
            probe: bool = False):
    """A condition: the model's row holds the grams `q` needs; None when `q` needs none (only wildcards).
    `probe`: looked up row by row (EXISTS), for a list walking its own index in its order and stopping after
    a page of dense matches, instead of reading every match first to sort them."""
    grams = needed_grams(q, wildcards)
    if not grams:
        return None
    if probe:
        return and_(*(postings(model, gram, facet).where(SearchGram.row_id == model.id).exists() for gram in grams))
    # The rows holding every gram, found in the index before any row is read (an IN per gram read rows of
    # the first gram's postings only to drop them for lack of a rare second one).
    ids = [postings(model, gram, facet) for gram in grams]
    return model.id.in_(intersect(*ids) if len(ids) > 1 else ids[0])


def reindex(connection, model, ids) -> None:
    """Rewrite the grams of these rows from what the database holds now (a deleted row keeps none)."""
    ids = list(ids)
    if not ids:
        return
    kind, columns, facet = SEARCHED[model]
    table = model.__table__
    connection.execute(delete(SearchGram.__table__).where(SearchGram.kind == kind, SearchGram.row_id.in_(ids)))
    facet_column = table.c[facet] if facet else literal("")
    rows = connection.execute(select(table.c.id, facet_column, *(table.c[name] for name in columns))
                              .where(table.c.id.in_(ids)))
    grams = [{"kind": kind, "gram": gram, "facet": row[1], "row_id": row[0]}
             for row in rows for gram in grams_of(*row[2:])]
    if grams:
        connection.execute(insert(SearchGram.__table__), grams)


def _changed(obj) -> bool:
    _kind, columns, facet = SEARCHED[type(obj)]
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in (*columns, facet) if name)


def _written(session: Session) -> dict:
    """The searched rows this flush added, deleted, or changed in a searched field or the facet, by model."""
    written = {}
    dirty = (obj for obj in session.dirty if type(obj) in SEARCHED and _changed(obj))
    for obj in (*session.new, *session.deleted, *dirty):
        if type(obj) in SEARCHED:
            written.setdefault(type(obj), set()).add(obj.id)
    return written


@event.listens_for(Session, "after_flush")
def _keep_grams(session: Session, _context) -> None:
    for model, ids in _written(session).items():
        reindex(session.connection(), model, sorted(ids))


def _named(statement, parameters) -> set[str]:
    """The columns a bulk statement writes, from its values or its rows."""
    values = getattr(statement, "_values", None) or {}
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    return {getattr(key, "key", key) for key in values} | {key for row in rows for key in row}


def _ids_in(parameters) -> list | None:
    """The rows' ids when a bulk statement's rows all name theirs (an insert with its ids, an update by key)."""
    if isinstance(parameters, list) and parameters and all("id" in row for row in parameters):
        return [row["id"] for row in parameters]
    return None


@event.listens_for(Session, "do_orm_execute")
def _keep_grams_of_bulk_writes(state):
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    model = state.bind_mapper.class_
    if model not in SEARCHED:
        return None
    _kind, columns, facet = SEARCHED[model]
    if state.is_update and not _named(state.statement, state.parameters) & {*columns, facet}:
        return None  # a status move or a version claim: no searched text changed
    connection = state.session.connection()
    ids = _ids_in(state.parameters)
    if ids is None and not state.is_insert:  # the rows the WHERE names, before they change or go
        where = state.statement.whereclause
        ids = list(connection.scalars(select(model.id).where(*([] if where is None else [where]))))
    result = state.invoke_statement()
    if ids is None:  # rows inserted without their ids: those that have no grams yet
        kind = SEARCHED[model].kind
        indexed = select(SearchGram.row_id).where(SearchGram.kind == kind, SearchGram.row_id == model.id)
        ids = list(connection.scalars(select(model.id).where(~indexed.exists())))
    reindex(connection, model, ids)
    return result
