"""The shared shapes every feature relies on: settings from the environment, the 409 contract,
flashes after inline actions, state tables, labelled enums, links, dates and spreadsheets."""
import io
from datetime import date

import pytest
from flask import flash, make_response, url_for
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import text

from app import create_app, errors, htmx
from app.choices import LabelledEnum, options
from app.errors import Conflict, Refused
from app.extensions import db
from app.forms import attach_error
from app.links import external_url, id_path, path_for
from app.spreadsheets import csv_bytes, read_csv, xlsx_bytes
from app.timeutil import day_bounds, parse_day
from app.workflow import Transition, allowed, may, table
from tests import PARTIAL


def test_every_setting_can_be_set_from_the_environment_as_json(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("OFFICEHUB_CALENDAR_CLOSED_DAYS", '["2026-12-31", "2027-01-04"]')
    monkeypatch.setenv("OFFICEHUB_LOGIN_RATE_LIMIT", "9")
    monkeypatch.setenv("OFFICEHUB_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("OFFICEHUB_MAX_UPLOAD_MB", "2")
    app = create_app()
    assert app.config["CALENDAR_CLOSED_DAYS"] == ["2026-12-31", "2027-01-04"]
    assert app.config["LOGIN_RATE_LIMIT"] == 9
    assert app.config["TIMEZONE"] == "Europe/Berlin" == app.config["BABEL_DEFAULT_TIMEZONE"]
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_tests_do_not_read_the_environment(app):
    # TestConfig builds the app; a developer's OFFICEHUB_* variables must not change test results.
    assert app.config["LOGIN_RATE_LIMIT"] == 5


def test_a_lost_race_answers_409_with_the_message_in_flash(app):
    with app.test_request_context(headers=PARTIAL):
        body, code, headers = errors.handle_conflict(Conflict("Taken by Li a moment ago."))
    assert code == 409 and headers["HX-Retarget"] == "#flash"
    assert "Taken by Li a moment ago." in body


def test_a_lost_race_on_a_full_page_gets_the_409_page(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        body, code, _headers = errors.handle_conflict(Conflict())
    assert code == 409 and "<footer" in body and "Someone else changed this first" in body


def test_a_flash_reaches_the_page_with_the_fragment_that_caused_it(app):
    with app.test_request_context(headers=PARTIAL):
        flash("Saved.")
        response = htmx._append_flashes(make_response("<li id='row-1'>…</li>"))
    html = response.get_data(as_text=True)
    assert html.startswith("<li id='row-1'>") and 'hx-target="#flash"' in html and "Saved." in html


def test_a_full_page_keeps_its_flash_for_the_layout(app):
    with app.test_request_context():
        flash("Saved.")
        response = htmx._append_flashes(make_response("<html>…</html>"))
    assert "hx-partial" not in response.get_data(as_text=True)


def test_a_refusal_lands_on_its_field_or_above_the_form(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class Form(FlaskForm):
        title = StringField()

    with app.test_request_context(method="POST"):
        form = Form(meta={"csrf": False})
        attach_error(form, Refused("Too long.", field="title"))
        attach_error(form, Refused("Not now."))
    assert form.title.errors == ["Too long."] and form.form_errors == ["Not now."]
    assert form.errors  # render_form answers 422 for either


class Light(LabelledEnum):
    GREEN = "green", _l("Go")
    RED = "red", _l("Stop")


def test_a_labelled_enum_is_its_stored_string_with_a_label():
    assert Light.GREEN == "green" and Light("red") is Light.RED and str(Light.RED) == "red"
    assert str(Light.GREEN.label) == "Go" and Light.GREEN.css == "green"
    assert Light.of("blue") is None
    assert [(c.value, str(c.label)) for c in options(Light)] == [("green", "Go"), ("red", "Stop")]


MACHINE = table(
    Transition("start", ("new",), "busy", ("owner",)),
    Transition("close", ("new", "busy"), "closed", ("office",)),
    Transition("note", ("busy",), None, ("owner", "office"), note_required=True),
)


def test_allowed_lists_what_these_actors_may_do_from_this_state_in_table_order():
    assert [t.name for t in allowed(MACHINE, "busy", {"owner", "office"})] == ["close", "note"]
    assert [t.name for t in allowed(MACHINE, "new", {"owner"})] == ["start"]
    assert allowed(MACHINE, "closed", {"owner", "office"}) == []
    assert may(MACHINE, "close", "new", {"office"}) and not may(MACHINE, "close", "new", {"owner"})
    assert not may(MACHINE, "unknown", "new", {"office"})


def test_links_outside_a_request_use_the_public_address(app):
    app.config["BASE_URL"] = "https://hub.example.com/office"
    assert path_for("main.home") == "/office/"
    assert external_url("main.home") == "https://hub.example.com/office/"


def test_links_inside_a_request_follow_the_request(app):
    with app.test_request_context(base_url="http://10.0.0.5:5000"):
        assert path_for("main.home") == "/"
        assert external_url("main.home") == "http://10.0.0.5:5000/"


def test_a_row_link_is_the_address_url_for_builds_under_any_prefix(app):
    """id_path builds a list row's link from one url_for per request: the same address, ids never mixed up,
    under the prefix the app is served from, and outside a request from the public address."""
    with app.test_request_context(base_url="http://10.0.0.5:5000/hub"):
        for endpoint, argument in (("repairs.detail", "repair_id"), ("visits.detail", "visit_id")):
            for ident in (1, 918, 20261129):
                assert id_path(endpoint, ident) == url_for(endpoint, **{argument: ident})
        assert id_path("repairs.detail", 7).startswith("/hub/")
    app.config["BASE_URL"] = "https://hub.example.com/office"
    assert id_path("requests.detail", 12) == path_for("requests.detail", request_id=12) == "/office/requests/12"


@pytest.mark.parametrize("text", ["0000-00-00", "9999-12-31", "2026-02-31", "2026-1-1", "x" * 100, None, ""])
def test_impossible_or_absurd_days_are_not_days(text):
    assert parse_day(text) is None


def test_a_day_is_bounded_in_office_time(app):
    start, end = day_bounds(date(2026, 10, 1))
    assert (start.hour, end.hour, (end - start).days) == (16, 16, 1)  # Shanghai is UTC+8


def test_a_gbk_csv_from_excel_reads_like_utf8():
    raw = "login,name\nwang,王主任\n\n".encode("gbk")
    result = read_csv(raw, ("login", "name"))
    assert result.ok and result.rows == [(2, {"login": "wang", "name": "王主任"})]


def test_an_unreadable_file_is_reported_not_patched():
    assert not read_csv(b"\xff\xfe\x00\x00binary", ("login",)).ok
    assert "first line must name" in str(read_csv(b"a,b\n1,2\n", ("login",)).errors[0])


def test_exports_keep_formulas_as_text_and_drop_control_characters():
    rows = [["title"], ["=HYPERLINK(\"x\")"], ["tab\vbreak"], [3]]
    text = csv_bytes(rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\v" not in text
    sheet = load_workbook(io.BytesIO(xlsx_bytes(rows, "Week 1"))).active
    assert [c.value for c in sheet["A"]] == ["title", "'=HYPERLINK(\"x\")", "tabbreak", 3]


def test_postgresql_connections_do_not_jit_compile_short_statements(app):
    """On PostgreSQL JIT compilation was most of triage's time; SQLite has no such setting."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert db.session.scalar(text("SHOW jit")) == "off"
