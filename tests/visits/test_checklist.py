"""Checklist templates: the seeded customer standard, copy semantics, due times in the office time zone."""
from datetime import datetime

import pytest

from app.extensions import db
from app.timeutil import to_utc
from app.visits import checklist
from app.visits.models import TemplateStep


def test_customer_template_is_seeded_with_the_standard_on_first_use(app):
    template = checklist.template_for("customer")
    titles = [s.title for s in template.steps]
    assert len(titles) == 10
    assert titles[0] == "确认来访细节"  # the default language is Chinese
    offsets = [(s.anchor, s.offset_minutes) for s in template.steps]
    assert offsets == [("arrival", -2880), ("arrival", -1440), ("arrival", -1440), ("arrival", -1440),
                       ("arrival", -1440), ("arrival", -60), ("arrival", 0), ("arrival", 0),
                       ("departure", 0), ("departure", 1440)]
    assert [s.responsible for s in template.steps][5] == "technical"


def test_every_visit_type_has_a_template_and_seeding_twice_adds_nothing(app):
    checklist.ensure_templates()
    checklist.ensure_templates()
    templates = checklist.all_templates()
    assert [t.visit_type for t in templates] == ["customer", "supplier", "audit", "interview", "other"]
    assert [len(t.steps) for t in templates] == [10, 3, 4, 3, 3]


def test_visit_copies_steps_and_later_template_edits_never_reach_it(app, make_visit):
    visit = make_visit()
    template = checklist.template_for("customer")
    first = template.steps[0]
    checklist.save_template_step(first, template, title="Changed title", offset_minutes=-10)
    checklist.remove_template_step(template.steps[1])
    checklist.save_template_step(TemplateStep(), template, title="A new step", responsible="host",
                                 anchor="arrival", offset_minutes=0)
    db.session.expire_all()
    assert len(visit.steps) == 10
    assert visit.steps[0].title == "确认来访细节"
    assert visit.steps[0].offset_minutes == -2880
    newer = make_visit()
    assert [s.title for s in newer.steps][0] == "Changed title"
    assert "A new step" in [s.title for s in newer.steps] and len(newer.steps) == 10


def test_move_swaps_neighbours_and_keeps_the_ends(app):
    template = checklist.template_for("customer")
    first, second = template.steps[0], template.steps[1]
    checklist.move_template_step(second, -1)
    assert [s.id for s in template.steps][:2] == [second.id, first.id]
    checklist.move_template_step(second, -1)  # already first: nothing moves
    assert template.steps[0].id == second.id


@pytest.mark.parametrize("zone, local_arrival, offset, local_due", [
    # Shanghai (no daylight saving): one day before 09:00 is 09:00 the day before.
    ("Asia/Shanghai", datetime(2026, 3, 10, 9, 0), -1440, datetime(2026, 3, 9, 9, 0)),
    ("Asia/Shanghai", datetime(2026, 3, 10, 9, 0), -60, datetime(2026, 3, 10, 8, 0)),
    # Berlin across the spring change (29 March 2026): days follow the wall clock, hours are exact.
    ("Europe/Berlin", datetime(2026, 3, 30, 9, 0), -1440, datetime(2026, 3, 29, 9, 0)),
    ("Europe/Berlin", datetime(2026, 3, 30, 9, 0), -2880, datetime(2026, 3, 28, 9, 0)),
    ("Europe/Berlin", datetime(2026, 3, 29, 4, 0), -180, datetime(2026, 3, 29, 0, 0)),
])
def test_due_time_in_the_configured_time_zone(app, zone, local_arrival, offset, local_due):
    app.config["TIMEZONE"] = zone
    arrival = to_utc(local_arrival)
    assert checklist.due_time(arrival, offset) == to_utc(local_due)


def test_due_times_follow_the_visits_own_arrival_and_departure(app, make_visit):
    visit = make_visit()
    by_title = {s.title: s for s in visit.steps}
    assert by_title["确认来访细节"].due_at == checklist.due_time(visit.expected_arrival, -2880)
    assert by_title["送别访客"].due_at == visit.expected_departure


def test_timing_labels_read_naturally(app):
    from flask_babel import force_locale
    with force_locale("en"):
        assert str(checklist.timing_label("arrival", -2880)) == "2 days before arrival"
        assert str(checklist.timing_label("arrival", -60)) == "1 hour before arrival"
        assert str(checklist.timing_label("arrival", 0)) == "at arrival"
        assert str(checklist.timing_label("departure", 0)) == "at departure"
        assert str(checklist.timing_label("departure", 1440)) == "1 day after departure"
