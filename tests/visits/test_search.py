"""The register's search reads the grams index, matches exactly what LIKE matches (the typed text is a LIKE
pattern there), and follows every write: a new visit, an edit, a host's new name, the personal-data purge."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services as accounts
from app.auth.roles import Role
from app.extensions import db
from app.search_grams import SearchGram
from app.timeutil import utcnow
from app.visits import jobs, queries, services
from app.visits.models import Visit

from .conftest import visit_data
from .test_races import _at_once, _browser
from .test_views import form_data

VISITS = [("华为 Huawei", "张伟\n李娜", "产品介绍 😀"), ("ACME_Corp 100%", "O'Brien", "Audit of LINE 3"),
          ("Ärger GmbH", "İlker Σοφία", "back\\slash"), ("甲公司", "陈", "")]
QUERIES = ["华", "华为", "huawei", "HUA", "张伟", "张_", "张%娜", "😀", "%", "_", "100%", "acme_", "acme\\_", "o'b",
           "line 3", "ä", "Ä", "σ", "Σ", "i", "İl", "\\", "公司", "甲", "乙", "x%y", "主任", "王"]


@pytest.fixture
def varied(make_visit, make_user):
    host = make_user(name="王主任")
    return [make_visit(host=host, organisation=org, visitor_names=names, purpose=purpose)
            for org, names, purpose in VISITS]


def _ids(condition) -> set[int]:
    return set(db.session.scalars(select(Visit.id).where(condition)))


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_matches_exactly_what_like_matches(varied, q):
    assert _ids(queries.text_matches(q)) == _ids(queries.text_matches(q, grams=False))


def test_the_varied_visits_are_found(varied):
    """The comparison above is not of empty sets."""
    assert _ids(queries.text_matches("张%娜")) == {varied[0].id}
    assert _ids(queries.text_matches("100%")) == {varied[1].id}
    assert _ids(queries.text_matches("王")) == {visit.id for visit in varied}  # the host's name


def _register(client, q: str) -> str:
    return client.get("/visits/register", query_string={"q": q}).get_data(as_text=True)


def _grams(visit) -> set[str]:
    return set(db.session.scalars(select(SearchGram.gram).where(SearchGram.kind == "visit",
                                                                SearchGram.row_id == visit.id)))


def test_a_new_and_an_edited_visit_are_found_at_once(client, login_as, make_visit, make_user):
    login_as(Role.RECEPTION)
    owner = make_user(Role.OFFICE)
    visit = make_visit(owner=owner, organisation="星河 Galaxy", visitor_names="赵钱孙")
    assert "星河 Galaxy" in _register(client, "钱孙")
    data = visit_data(visit.host, owner, organisation="星河 Galaxy", visitor_names="周吴郑",
                      arrival=visit.expected_arrival)
    services.update_visit(owner, visit, data, visit.version)
    assert "No visit matches" in _register(client, "钱孙")
    assert "星河 Galaxy" in _register(client, "吴郑")
    assert not {"赵", "钱", "孙", "钱孙"} & _grams(visit)


def test_a_hosts_new_name_is_found_and_the_old_one_no_longer(client, login_as, make_visit, make_user):
    login_as(Role.RECEPTION)
    host = make_user(name="欧阳修")
    make_visit(host=host, organisation="Delta 丁公司")
    assert "Delta 丁公司" in _register(client, "欧阳")
    accounts.save_user(host, login=host.login, name="司马光", department=None, roles=[])
    assert "No visit matches" in _register(client, "欧阳")
    assert "Delta 丁公司" in _register(client, "司马")


def test_purged_visitors_names_leave_the_index(client, login_as, make_visit):
    login_as(Role.OFFICE)
    past = utcnow() - timedelta(days=400)
    visit = make_visit(organisation="Echo 戊公司", visitor_names="慕容复")
    db.session.execute(db.update(Visit).where(Visit.id == visit.id)
                       .values(expected_arrival=past, expected_departure=past + timedelta(hours=2)))
    db.session.commit()
    assert "Echo 戊公司" in _register(client, "慕容")
    assert jobs.purge_personal_data(older_than_days=365) == 1
    assert "No visit matches" in _register(client, "慕容")
    assert "Echo 戊公司" in _register(client, "戊公司")  # the organisation stays, for the statistics
    assert not {"慕", "容", "复", "慕容", "容复"} & _grams(visit)


def test_a_deleted_row_leaves_no_grams(make_user):
    person = make_user(name="独孤求败")
    ident = person.id
    db.session.delete(person)
    db.session.commit()
    assert not db.session.scalars(select(SearchGram).where(SearchGram.kind == "user", SearchGram.row_id == ident)).all()


@pytest.mark.parametrize("sort_after", [queries.SORT_AFTER, 1], ids=["sorted", "walked in order"])
def test_the_count_and_pages_follow_the_latest_arrivals(client, login_as, make_visit, monkeypatch, sort_after):
    """Both ways of finding a page (few matches sorted, many found walking the arrival index) give the same."""
    monkeypatch.setattr(queries, "SORT_AFTER", sort_after)
    monkeypatch.setattr(queries, "REGISTER_PAGE_SIZE", 2)
    start = utcnow().replace(second=0, microsecond=0)
    for n in range(3):
        make_visit(organisation=f"庚公司 {n}", arrival=start + timedelta(days=n + 1))
    make_visit(organisation="辛公司")
    login_as(Role.RECEPTION)
    first = _register(client, "庚")
    assert "3 visits" in first and "庚公司 2" in first and "庚公司 1" in first and "庚公司 0" not in first
    second = client.get("/visits/register", query_string={"q": "庚", "page": 2}).get_data(as_text=True)
    assert "庚公司 0" in second and "庚公司 1" not in second


def test_of_two_edits_at_once_only_the_saved_names_are_found(app, make_user, make_visit, monkeypatch):
    """Two people save the same visit at the same moment with different visitors: the grams follow the edit
    that was saved, and the lost one leaves none behind."""
    first, second = make_user(Role.OFFICE), make_user(Role.OFFICE)
    visit = make_visit(owner=first)
    version, arrival, url = visit.version, visit.expected_arrival, f"/visits/{visit.id}/edit"
    edits = [form_data(visit.host, first, arrival=arrival, organisation="华为 Huawei", visitor_names=names,
                       version=str(version)) for names in ("壬一", "癸二")]
    answers = _at_once(app, monkeypatch, [(services, "_claim_version")],
                       [(_browser(app, first), url, edits[0]), (_browser(app, second), url, edits[1])])
    assert sorted(a.status_code for a in answers) == [303, 409]
    saved = db.session.get(Visit, visit.id).visitor_names
    lost = "癸二" if saved == "壬一" else "壬一"
    assert _ids(queries.text_matches(saved)) == {visit.id}
    assert _ids(queries.text_matches(lost)) == set() and not set(lost) & _grams(visit)
