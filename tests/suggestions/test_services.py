"""Service rules without a client: who may open which suggestion, tracking codes, weeks and months."""
from datetime import date

from app.auth.roles import Role
from app.suggestions import reports, services


def test_an_employee_sees_only_their_own_named_suggestions(file, make_user):
    me, colleague, office = make_user(), make_user(), make_user(Role.OFFICE)
    mine, theirs, anonymous = file(me), file(colleague), file(None)
    assert services.get_for(me, mine.id) is not None
    assert services.get_for(me, theirs.id) is None and services.get_for(me, anonymous.id) is None
    assert {s.id for s in services.mine(me, 1).items} == {mine.id}
    assert all(services.get_for(office, s.id) is not None for s in (mine, theirs, anonymous))


def test_tracking_codes_forgive_typing_and_open_only_their_note(file):
    first, second = file(None), file(None)
    sloppy = " " + services.format_code(first.code).lower().replace("-", " - ") + " "
    assert services.by_code(sloppy).id == first.id
    assert services.by_code(second.code).id == second.id
    assert services.by_code("") is None and services.by_code("ABCD") is None
    assert services.by_code("A" * 16) is None


def test_the_same_form_token_always_gives_the_same_code(app):
    assert services.tracking_code_for("token-1") == services.tracking_code_for("token-1")
    assert services.tracking_code_for("token-1") != services.tracking_code_for("token-2")


def test_named_notes_have_no_tracking_code_and_anonymous_ones_no_author(file, make_user):
    named, anonymous = file(make_user()), file(None)
    assert named.code is None and named.tracking_hash is None
    assert anonymous.author_id is None and anonymous.code and anonymous.tracking_hash != anonymous.code


def test_weeks_start_on_monday():
    assert reports.week_start(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
    assert reports.week_start(date(2026, 11, 16)) == date(2026, 11, 16)


def test_categories_start_with_the_seven_defaults(app):
    names = [c.name_en for c in services.categories()]
    assert names[0] == "Work environment" and names[-1] == "Other" and len(names) == 7
