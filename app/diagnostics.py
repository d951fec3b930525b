"""Optional X-Query-Count header, so the benchmark can report queries per request over HTTP, and
X-Revision-Topics, so it can make the write that a page's next view must show."""
from flask import g, has_request_context
from sqlalchemy import event

from app.extensions import db


def _count(*_args) -> None:
    if has_request_context():
        g.query_count = g.get("query_count", 0) + 1


def _header(response):
    response.headers["X-Query-Count"] = str(g.get("query_count", 0))
    if g.get("revision_topics"):
        response.headers["X-Revision-Topics"] = " ".join(g.revision_topics)
    return response


def init_app(app) -> None:
    """Only when OFFICEHUB_QUERY_COUNT_HEADER is set: off in production, on for `make bench`."""
    if not app.config["QUERY_COUNT_HEADER"]:
        return
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
    app.after_request(_header)
