"""Service rules without a client: who may open which suggestion, tracking codes, weeks and months."""
from datetime import date

from app.auth.roles import Role
from app.suggestions import codes, queries, reports, services


def test_an_employee_sees_only_their_own_named_suggestions(make_suggestion, make_user):
    me, colleague, office = make_user(), make_user(), make_user(Role.OFFICE)
    mine, theirs, anonymous = make_suggestion(me), make_suggestion(colleague), make_suggestion(None)
    assert services.get_for(me, mine.id) is not None
    assert services.get_for(me, theirs.id) is None and services.get_for(me, anonymous.id) is None
    assert {s.id for s in queries.mine(me, 1).items} == {mine.id}
    assert all(services.get_for(office, s.id) is not None for s in (mine, theirs, anonymous))


def test_tracking_codes_forgive_typing_and_open_only_their_note(make_suggestion):
    first, second = make_suggestion(None), make_suggestion(None)
    sloppy = " " + codes.format_code(first.code).lower().replace("-", " - ") + " "
    assert codes.by_code(sloppy).id == first.id
    assert codes.by_code(second.code).id == second.id
    assert codes.by_code("") is None and codes.by_code("ABCD") is None
    assert codes.by_code("A" * 16) is None


def test_the_same_form_token_always_gives_the_same_code(app):
    assert codes.tracking_code_for("token-1") == codes.tracking_code_for("token-1")
    assert codes.tracking_code_for("token-1") != codes.tracking_code_for("token-2")


def test_named_notes_have_no_tracking_code_and_anonymous_ones_no_author(make_suggestion, make_user):
    named, anonymous = make_suggestion(make_user()), make_suggestion(None)
    assert named.code is None and named.tracking_hash is None
    assert anonymous.author_id is None and anonymous.code and anonymous.tracking_hash != anonymous.code


def test_weeks_start_on_monday():
    assert reports.week_start(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
    assert reports.week_start(date(2026, 11, 16)) == date(2026, 11, 16)
