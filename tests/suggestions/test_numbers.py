"""Short suggestion numbers (S-2026-0412): a named note has one at once; anonymous notes and paper slips
get theirs the next day, all of a day together in random-id order, so the number never places an
anonymous note between the named notes filed around it."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import numbers
from app.suggestions.models import Suggestion
from app.timeutil import today


def _to_yesterday(*suggestions):
    for s in suggestions:
        s.created_at -= timedelta(days=1)
    db.session.commit()


def test_a_named_note_is_numbered_when_filed_and_the_author_sees_it(client, login_as, categories):
    login_as(Role.EMPLOYEE)
    client.post("/suggestions/new", data={"category_id": categories[0].id, "title": "饮水机", "details": "坏了",
                                          "token": "t-named-1234567890"})
    suggestion = db.session.scalar(select(Suggestion))
    assert suggestion.reference == f"S-{today().year}-0001"
    assert suggestion.reference in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert suggestion.reference in client.get("/suggestions/").get_data(as_text=True)


def test_an_anonymous_note_waits_for_the_next_day_and_never_sits_between_its_neighbours(
        app, make_user, make_suggestion):
    author = make_user(Role.EMPLOYEE)
    before = make_suggestion(author, title="之前")
    hidden = make_suggestion(None, title="匿名")
    after = make_suggestion(author, title="之后")
    # Filed one after another, yet the named neighbours are consecutive and the anonymous note has none.
    assert (before.number_seq, after.number_seq) == (1, 2)
    assert hidden.reference is None
    assert numbers.number_earlier_days() == "no suggestion to number"  # not while its day is still on
    _to_yesterday(before, hidden, after)
    later = make_suggestion(author, title="今天的")
    assert later.number_seq == 3
    assert numbers.number_earlier_days() == "1 suggestions numbered"
    db.session.refresh(hidden)
    assert hidden.number_seq == 4  # after everything numbered so far: it says "an earlier day", nothing more
    assert numbers.number_earlier_days() == "no suggestion to number"  # a second run changes nothing


def test_a_days_anonymous_notes_are_numbered_by_random_id_not_by_filing_order(app, make_suggestion):
    notes = [make_suggestion(None, title=f"匿名 {n}") for n in range(6)]
    _to_yesterday(*notes)
    numbers.number_earlier_days()
    for note in notes:
        db.session.refresh(note)
    by_number = sorted(notes, key=lambda s: s.number_seq)
    assert [s.id for s in by_number] == sorted(s.id for s in notes)
    assert [s.number_seq for s in by_number] == [1, 2, 3, 4, 5, 6]


def test_numbering_an_already_numbered_note_is_refused_quietly(app, make_user, make_suggestion):
    named = make_suggestion(make_user(Role.EMPLOYEE))
    assert numbers.assign(named.id, named.number_year) is False
    db.session.refresh(named)
    assert named.number_seq == 1


def test_people_type_the_number_in_many_ways():
    for typed in ("S-2026-0412", "s-2026-412", "S 2026 0412", "S20260412", "2026-0412"):
        assert numbers.parse_reference(typed) == (2026, 412), typed
    for typed in ("", "S-26-0412", "食堂", "S-2026-", "S-２０２６-0412", "20260412"):
        assert numbers.parse_reference(typed) is None, typed


def test_merge_takes_the_short_number(client, login_as, make_user, make_suggestion):
    author = make_user(Role.EMPLOYEE)
    survivor, duplicate = make_suggestion(author, title="留下的"), make_suggestion(author, title="重复的")
    login_as(Role.OFFICE)
    response = client.post(f"/suggestions/{duplicate.id}/merge", data={"target_id": survivor.reference})
    assert response.status_code == 303
    db.session.refresh(duplicate)
    assert duplicate.merged_into_id == survivor.id
    page = client.get(f"/suggestions/{duplicate.id}").get_data(as_text=True)
    assert f"merged into {survivor.reference}" in page


def test_flask_tick_numbers_yesterdays_anonymous_notes(app, make_suggestion):
    note = make_suggestion(None, title="昨天的匿名建议")
    _to_yesterday(note)
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    db.session.refresh(note)
    assert note.reference == f"S-{note.number_year}-0001"
