"""Checklist templates: the seeded customer standard, copy semantics, due times in the office time zone."""
import importlib.util
from datetime import datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from app.extensions import db
from app.timeutil import to_utc
from app.visits import checklist
from app.visits.models import ChecklistTemplate, TemplateStep, VisitType

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0008_checklist_templates.py"


def test_the_seeded_customer_template_is_the_standard(app):
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
    checklist.seed_templates()
    checklist.seed_templates()
    templates = checklist.all_templates()
    assert [t.visit_type for t in templates] == ["customer", "supplier", "audit", "interview", "other"]
    assert [len(t.steps) for t in templates] == [10, 3, 4, 3, 3]


def test_seeding_adds_only_the_missing_types_and_keeps_edited_ones(app):
    customer = checklist.template_for("customer")
    checklist.remove_template_step(customer.steps[0])
    db.session.execute(delete(ChecklistTemplate).where(ChecklistTemplate.visit_type == "audit"))
    db.session.commit()
    checklist.seed_templates()
    db.session.expire_all()
    assert len(checklist.template_for("customer").steps) == 9
    assert len(checklist.template_for("audit").steps) == 4


def test_the_migration_inserts_the_same_standard_as_the_seeder(app):
    """Installs get the templates from migration 0008, tests and `flask seed-demo` from the seeder: the
    migration's written-out copy must not drift from the code's standard, in either language."""
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for locale, language in (("zh_CN", 0), ("en", 1)):
        with force_locale(locale):
            seeded = {t.value: [(r["title"], r["responsible"], r["anchor"], r["offset_minutes"])
                                for r in checklist.default_steps(t.value)] for t in VisitType}
        migrated = {visit_type: [(titles[language], who, anchor, offset) for titles, who, anchor, offset in steps]
                    for visit_type, steps in migration.DEFAULT_STEPS.items()}
        assert migrated == seeded


def test_reading_the_templates_never_creates_them(app):
    db.session.execute(delete(ChecklistTemplate))
    db.session.commit()
    assert checklist.all_templates() == [] and checklist.template_for("customer") is None
    assert db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 0


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
    # Shanghai (no daylight saving): one day before a Tuesday 09:00 is Monday 09:00; hours are exact.
    ("Asia/Shanghai", datetime(2026, 3, 10, 9, 0), -1440, datetime(2026, 3, 9, 9, 0)),
    ("Asia/Shanghai", datetime(2026, 3, 10, 9, 0), -60, datetime(2026, 3, 10, 8, 0)),
    # Days are working days: "1 day before" a Monday is the Friday before, "2 days" the Thursday.
    ("Asia/Shanghai", datetime(2026, 3, 9, 9, 0), -1440, datetime(2026, 3, 6, 9, 0)),
    ("Asia/Shanghai", datetime(2026, 3, 9, 9, 0), -2880, datetime(2026, 3, 5, 9, 0)),
    # Berlin across the spring change (29 March 2026): days follow the wall clock, hours are exact.
    ("Europe/Berlin", datetime(2026, 3, 31, 9, 0), -1440, datetime(2026, 3, 30, 9, 0)),
    ("Europe/Berlin", datetime(2026, 3, 30, 9, 0), -1440, datetime(2026, 3, 27, 9, 0)),
    ("Europe/Berlin", datetime(2026, 3, 29, 4, 0), -180, datetime(2026, 3, 29, 0, 0)),
])
def test_due_time_in_the_configured_time_zone(app, zone, local_arrival, offset, local_due):
    app.config["TIMEZONE"] = zone
    arrival = to_utc(local_arrival)
    assert checklist.due_time(arrival, offset) == to_utc(local_due)


@pytest.mark.parametrize("local_anchor, offset, local_due", [
    # National Day 2026 (1-7 October): a visit on Thursday 8 October is prepared on Wednesday 30 September.
    (datetime(2026, 10, 8, 9, 30), -1440, datetime(2026, 9, 30, 9, 30)),
    (datetime(2026, 10, 8, 9, 30), -2880, datetime(2026, 9, 29, 9, 30)),
    # ... and the outcome of a visit that left on 30 September is noted on 8 October.
    (datetime(2026, 9, 30, 16, 0), 1440, datetime(2026, 10, 8, 16, 0)),
    # Saturday 10 October 2026 is a make-up working day (调休): it counts.
    (datetime(2026, 10, 12, 10, 0), -1440, datetime(2026, 10, 10, 10, 0)),
    # A visit on a Sunday: the day before that is a working day is the Friday.
    (datetime(2026, 11, 29, 10, 0), -1440, datetime(2026, 11, 27, 10, 0)),
    # Hours stay hours on any day: the projector is tested an hour before a holiday visit.
    (datetime(2026, 10, 3, 10, 0), -60, datetime(2026, 10, 3, 9, 0)),
])
def test_day_offsets_count_working_days_of_chinas_calendar(app, local_anchor, offset, local_due):
    assert checklist.due_time(to_utc(local_anchor), offset) == to_utc(local_due)


def test_day_offsets_follow_the_offices_own_closures_beyond_the_known_years(app):
    """chinesecalendar does not know 2027 yet: Monday to Friday, plus the Spring Festival closure the office set."""
    app.config["CALENDAR_CLOSED_DAYS"] = [f"2027-02-{day:02d}" for day in range(8, 13)]  # Mon 8 to Fri 12
    departure = to_utc(datetime(2027, 2, 5, 17, 0))  # Friday before the closure
    assert checklist.due_time(departure, 1440) == to_utc(datetime(2027, 2, 15, 17, 0))
    arrival = to_utc(datetime(2027, 2, 15, 9, 0))  # the Monday after it
    assert checklist.due_time(arrival, -2 * 1440) == to_utc(datetime(2027, 2, 4, 9, 0))


def test_due_times_follow_the_visits_own_arrival_and_departure(app, make_visit):
    visit = make_visit()
    by_title = {s.title: s for s in visit.steps}
    assert by_title["确认来访细节"].due_at == checklist.due_time(visit.expected_arrival, -2880)
    assert by_title["送别访客"].due_at == visit.expected_departure


def test_timing_labels_read_naturally(app):
    from flask_babel import force_locale
    with force_locale("en"):
        assert str(checklist.timing_label("arrival", -2880)) == "2 working days before arrival"
        assert str(checklist.timing_label("arrival", -60)) == "1 hour before arrival"
        assert str(checklist.timing_label("arrival", 0)) == "at arrival"
        assert str(checklist.timing_label("departure", 0)) == "at departure"
        assert str(checklist.timing_label("departure", 1440)) == "1 working day after departure"
