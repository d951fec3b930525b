"""No page answered "not modified" is ever stale.

A reused page (app/pagecache.py) is right only if every table it reads is one whose writes raise one of
the page's revision topics (app/revisions.py). Writes raise their table's topic automatically, so it is
enough to check, for every cached page, that each table its rendering reads belongs to a topic it
names: this test renders each one (as the first role the access matrix lets in) and compares. A
second test makes a real change through the app and checks that the browser's copy is replaced.
"""
import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.pagecache import LAYOUT_TOPICS
from app.revisions import default_topic, rule_of
from tests.access import EVERY_ROLE
from tests.test_access import CASES, _sign_in

# Read by every signed-in request, and shown by none: the session check and the reader's own bell.
ALWAYS = {"notifications", "revisions"}


def _cached(app, route) -> tuple[str, ...] | None:
    rule = route.rule.split("?")[0]
    endpoint = next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule and "GET" in r.methods)
    return getattr(app.view_functions[endpoint], "revision_topics", None)


def _table_topics() -> dict[str, str | None]:
    topics = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        rule = rule_of(cls)
        topics[cls.__tablename__] = (rule.fallback or default_topic(cls)) if rule.shown else None
    return topics


GET_CASES = [(module, route) for module, route in CASES if route.method == "GET"]


@pytest.mark.parametrize("module, route", GET_CASES, ids=[r.rule for _m, r in GET_CASES])
def test_a_cached_page_names_the_topic_of_every_table_it_reads(app, client, make_user, module, route):
    topics = _cached(app, route)
    if topics is None:
        pytest.skip("not a cached page")
    role = next((role for role in EVERY_ROLE if route.status_for(role) == 200), None)
    if role is None:
        pytest.skip("no role opens it by itself (e.g. a department's request handlers are a list, not a role)")
    values = module.setup()
    _sign_in(client, make_user, role)
    tables = _table_topics()
    read: set[str] = set()

    def record(_conn, _cursor, statement, *_args):
        read.update(name for name in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', statement, re.IGNORECASE)
                    if name in tables)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(route.path(values), headers=route.headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    allowed = set(topics) | set(LAYOUT_TOPICS) | ALWAYS
    uncovered = {table: tables[table] for table in read if tables[table] and tables[table] not in allowed}
    assert not uncovered, f"{route.rule} reads tables whose writes it would not notice: {uncovered}"
