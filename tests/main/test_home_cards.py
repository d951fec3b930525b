"""Home cards are kept between requests (app/fragments.py) and drawn again exactly when a write to what
they show happens: no card is ever stale, on any worker, and a change to one feature redraws its card only."""
import os
import re
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import event

from app import create_app
from app.auth.roles import Role
from app.cli import seed_demo
from app.config import TestConfig
from app.extensions import db
from app.main.dashboard import COMMON_TOPICS, registered_cards
from app.main.views import HOME_TOPICS
from tests.conftest import PASSWORD
from tests.test_page_revisions import ALWAYS, _table_topics


def _open_count(page: str) -> int:
    """The repairs card's "Submitted: N"."""
    return int(re.search(r"Submitted: <strong>(\d+)</strong>", page).group(1))


def _sign_in(client, user):
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


def test_every_card_names_topics_that_the_home_page_names_too(app):
    for card in registered_cards():
        assert card.topics, card.name
        assert set(card.depends_on) <= set(HOME_TOPICS) | set(COMMON_TOPICS), card.name


def test_every_card_reads_only_tables_whose_writes_it_would_notice(app, client, make_user):
    """As the revisions test does for whole pages: each table a card's drawing reads belongs to one of its
    topics, so a write there changes the card's key. The demo data gives every card something to show."""
    seed_demo(force=True)
    db.session.commit()
    tables = _table_topics()
    users = {role: make_user(role, department=None) for role in (Role.OFFICE, Role.EMPLOYEE)}
    for card in registered_cards():
        user = users[Role.OFFICE if Role.OFFICE in card.roles else Role.EMPLOYEE]
        read: set[str] = set()

        def record(_conn, _cursor, statement, *_args, read=read):
            read.update(name for name in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', statement, re.IGNORECASE)
                        if name in tables)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            with app.test_request_context("/"):
                card.render(user)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        allowed = set(card.depends_on) | ALWAYS
        unnoticed = {table: tables[table] for table in read if tables[table] and tables[table] not in allowed}
        assert not unnoticed, f"card {card.name} reads tables whose writes it would not notice: {unnoticed}"


def test_a_new_repair_redraws_the_repairs_card_only(app, client, make_user, make_repair):
    office = make_user(Role.OFFICE)
    _sign_in(client, office)
    make_repair()
    drawn = []
    cards = app.extensions["officehub_cards"]
    cards[:] = [replace(card, render=_counted(card, drawn)) for card in cards]
    assert _open_count(client.get("/").get_data(as_text=True)) == 1
    assert "repairs" in drawn and "meetings" in drawn  # the first time, every card of the office's is drawn
    drawn.clear()
    make_repair(requester=office, description="第二台空调 🥵")
    assert _open_count(client.get("/").get_data(as_text=True)) == 2
    assert drawn == ["repairs"]


def _counted(card, drawn):
    def render(user):
        drawn.append(card.name)
        return card.render(user)
    return render


def test_a_change_made_through_one_worker_shows_on_another_that_kept_the_card(app, client, make_user, make_repair):
    """Two app instances (two gunicorn workers, or two machines), each keeping cards in its own memory:
    the counters live in the database, so a write through one is seen by the other at once."""
    office = make_user(Role.OFFICE)
    other = create_app(TestConfig(app.config["SQLALCHEMY_DATABASE_URI"]))
    other_client = other.test_client()
    _sign_in(client, office)
    _sign_in(other_client, office)
    make_repair()
    with other.app_context():
        assert _open_count(other_client.get("/").get_data(as_text=True)) == 1
    assert _open_count(client.get("/").get_data(as_text=True)) == 1
    make_repair()
    with other.app_context():
        assert _open_count(other_client.get("/").get_data(as_text=True)) == 2
        db.session.remove()


def _redis_url():
    import redis
    url = f"redis://127.0.0.1:6379/{12 if os.environ.get('TEST_DATABASE_URL', '').startswith('postgres') else 13}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def test_with_redis_configured_a_card_drawn_by_one_instance_is_read_by_another(app, make_user, make_repair):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis
    store = redis.Redis.from_url(url)
    store.flushdb()
    config = TestConfig(app.config["SQLALCHEMY_DATABASE_URI"])
    config.REDIS_URL = url
    first, second = create_app(config), create_app(config)
    office = make_user(Role.OFFICE)
    make_repair()
    clients = [first.test_client(), second.test_client()]
    for instance, instance_client in zip((first, second), clients, strict=True):
        with instance.app_context():
            _sign_in(instance_client, office)
    with first.app_context():
        assert _open_count(clients[0].get("/").get_data(as_text=True)) == 1
    kept = store.keys("officehub:fragment:*")
    assert kept, "the cards are kept in Redis"
    with second.app_context():
        assert _open_count(clients[1].get("/").get_data(as_text=True)) == 1
    make_repair()
    with second.app_context():
        assert _open_count(clients[1].get("/").get_data(as_text=True)) == 2
        db.session.remove()
    with first.app_context():
        db.session.remove()


def test_a_shared_card_is_the_same_for_everyone_who_sees_it(app, make_user, make_department):
    """A card kept once for all its readers must not show anything of the reader's own."""
    seed_demo(force=True)
    db.session.commit()
    for card in (c for c in registered_cards() if c.shared):
        role = card.roles[0]
        first = make_user(role, name="甲 First", department=make_department())
        second = make_user(role, name="乙 Second", department=make_department())
        drawn = []
        for user in (first, second):
            with app.test_request_context("/"):
                drawn.append(str(card.render(user)))
        assert drawn[0] == drawn[1], card.name


def test_a_second_office_reader_gets_the_kept_office_cards(app, make_user, make_repair):
    first, second = make_user(Role.OFFICE), make_user(Role.OFFICE)
    make_repair(requester=first)
    drawn = []
    cards = app.extensions["officehub_cards"]
    cards[:] = [replace(card, render=_counted(card, drawn)) for card in cards]
    for user in (first, second):
        client = app.test_client()
        _sign_in(client, user)
        assert _open_count(client.get("/").get_data(as_text=True)) == 1
    office_cards = [card for card in cards if first.has_any_role(*card.roles)]
    # The office-wide cards once for both readers; the reader's own (the meetings they may open) for each.
    assert Counter(drawn) == {card.name: 1 if card.shared else 2 for card in office_cards}
    assert any(card.shared for card in office_cards) and any(not card.shared for card in office_cards)


def test_a_store_that_is_down_costs_one_warning_and_no_page(app, client, login_as, make_repair, caplog):
    import redis
    from cachelib import RedisCache

    from app import fragments
    login_as(Role.OFFICE)
    make_repair()
    kept = app.extensions[fragments.STORE]
    # Nothing listens on port 1: every connection is refused.
    app.extensions[fragments.STORE] = RedisCache(host=redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5),
                                                 key_prefix="officehub:fragment:")
    try:
        with caplog.at_level("WARNING"):
            pages = [client.get("/") for _ in range(3)]
    finally:
        app.extensions[fragments.STORE] = kept
    assert all(page.status_code == 200 and _open_count(page.get_data(as_text=True)) == 1 for page in pages)
    warnings = [r for r in caplog.records if "fragment store unavailable" in r.getMessage()]
    assert len(warnings) == 1, "one warning for the outage, not one per request"
