"""Reception checklists: the templates per visit type, copying them into visits, and due times.

Ticking, skipping and noting a visit's steps is in steps.py.
"""
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.calendar.services import add_working_days, is_working_day
from app.errors import Conflict
from app.extensions import db
from app.timeutil import to_local, to_utc, utcnow

from .models import ChecklistTemplate, TemplateStep, Visit, VisitEvent, VisitStep, VisitType
from .workflow import StepState

DAY = 24 * 60
# How long a tick can be taken back from the board without going to the checklist and giving a reason.
UNDO_WINDOW = timedelta(minutes=10)
_SEARCH_LIMIT = 3660
STEP_REMOVED = _l("Someone else removed this step a moment ago; the list shows the template as it is now.")
_TELL_GATE = (_l("Tell reception and the gate"), "owner", "arrival", -DAY)
_SEE_OFF = (_l("See the visitors off"), "host", "departure", 0)
# Each type's standard: (title, responsible, anchor, offset minutes). The customer visit follows the office
# director's speech; the other types start with the few steps every visitor needs.
DEFAULT_STEPS = {
    "customer": [
        (_l("Confirm visit details"), "owner", "arrival", -2 * DAY),
        (_l("Book the meeting room"), "owner", "arrival", -DAY),
        (_l("Prepare product introduction materials"), "host", "arrival", -DAY),
        (_l("Book meals"), "owner", "arrival", -DAY),
        _TELL_GATE,
        (_l("Test the room's projector and equipment"), "technical", "arrival", -60),
        (_l("Greet the customer on arrival"), "reception", "arrival", 0),
        (_l("Escort to the meeting room"), "reception", "arrival", 0),
        _SEE_OFF,
        (_l("Note the visit outcome and follow-ups"), "owner", "departure", DAY),
    ],
    "supplier": [_TELL_GATE, (_l("Greet the visitors on arrival"), "reception", "arrival", 0), _SEE_OFF],
    "audit": [(_l("Prepare the documents for the auditors"), "host", "arrival", -DAY), _TELL_GATE,
              (_l("Greet the visitors on arrival"), "reception", "arrival", 0), _SEE_OFF],
    "interview": [(_l("Tell reception the candidate's name"), "host", "arrival", -DAY),
                  (_l("Greet the candidate on arrival"), "reception", "arrival", 0), _SEE_OFF],
    "other": [_TELL_GATE, (_l("Greet the visitors on arrival"), "reception", "arrival", 0), _SEE_OFF],
}


def due_time(anchor_time: datetime, offset_minutes: int) -> datetime:
    """Whole days are working days of the office's calendar, at the anchor's time on the office's wall clock:
    a step "1 day before" a Monday 09:00 arrival is due on Friday at 09:00 (Thursday if Friday is a holiday),
    since preparing a visit is office work. Hours and minutes are exact durations: the visit itself may be
    on any day."""
    if offset_minutes and offset_minutes % DAY == 0:
        local = to_local(anchor_time).replace(tzinfo=None)
        day = _shift_working_days(local.date(), offset_minutes // DAY)
        return to_utc(datetime.combine(day, local.time()))
    return anchor_time + timedelta(minutes=offset_minutes)


def _shift_working_days(day: date, count: int) -> date:
    """The working day `count` working days after (or, negative, before) `day`, which itself does not count."""
    if count >= 0:
        return add_working_days(day, count)
    # The calendar only counts forwards; walk back over its answers, one day at a time (bounded like the
    # calendar's own search, so a year of closures set by mistake can't make this run away).
    for _ in range(_SEARCH_LIMIT):
        if count >= 0:
            break
        day -= timedelta(days=1)
        if is_working_day(day):
            count += 1
    return day


def timing_label(anchor: str, offset_minutes: int) -> str:
    """'2 days before arrival', 'at departure', '1 hour after departure' … in the reader's language."""
    if offset_minutes == 0:
        return _l("at arrival") if anchor == "arrival" else _l("at departure")
    amount = abs(offset_minutes)
    if amount % DAY == 0:
        span = ngettext("%(num)d working day", "%(num)d working days", amount // DAY)
    elif amount % 60 == 0:
        span = ngettext("%(num)d hour", "%(num)d hours", amount // 60)
    else:
        span = ngettext("%(num)d minute", "%(num)d minutes", amount)
    key = ("before" if offset_minutes < 0 else "after", anchor)
    return {
        ("before", "arrival"): _l("%(span)s before arrival", span=span),
        ("after", "arrival"): _l("%(span)s after arrival", span=span),
        ("before", "departure"): _l("%(span)s before departure", span=span),
        ("after", "departure"): _l("%(span)s after departure", span=span),
    }[key]


# --- templates (reference data) ----------------------------------------------------------------------

def default_steps(visit_type: str) -> list[dict]:
    """A visit type's standard steps as rows, titled in the language in force (the office's default when
    seeding)."""
    return [{"title": str(title), "description": "", "responsible": who, "anchor": anchor, "offset_minutes": offset,
             "position": i} for i, (title, who, anchor, offset) in enumerate(DEFAULT_STEPS.get(visit_type, []))]


def seed_templates() -> None:
    """Give each visit type its template, with that type's standard steps, where it has none yet; safe to run
    again and by two processes at once (the visit type is unique). Run by `flask seed-demo` and the tests;
    installs get the same rows from migration 0008."""
    existing = set(db.session.scalars(select(ChecklistTemplate.visit_type)))
    missing = [t for t in VisitType if t not in existing]
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        for visit_type in missing:
            _add_template(visit_type.value)
    db.session.commit()


def _add_template(visit_type: str) -> None:
    steps = [TemplateStep(**row) for row in default_steps(visit_type)]
    template = ChecklistTemplate(visit_type=visit_type, steps=steps)
    try:
        with db.session.begin_nested():
            db.session.add(template)
    except IntegrityError:
        pass  # another process created it at the same moment


def all_templates() -> list[ChecklistTemplate]:
    """Every visit type's template, in the order of the visit types."""
    templates = db.session.scalars(select(ChecklistTemplate).options(selectinload(ChecklistTemplate.steps)))
    order = list(VisitType)
    return sorted(templates, key=lambda t: order.index(t.visit_type) if t.visit_type in order else 99)


def template_for(visit_type: str) -> ChecklistTemplate | None:
    return db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.visit_type == visit_type)
                             .options(selectinload(ChecklistTemplate.steps)))


class TemplateConflict(Conflict):
    """Someone else removed the template step a moment ago."""


def _commit_template_change() -> None:
    """Commit; a step someone else removed meanwhile makes the change a lost race (409), not a crash."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise TemplateConflict(STEP_REMOVED) from None


def save_template_step(step: TemplateStep, template: ChecklistTemplate, **values) -> TemplateStep:
    for name, value in values.items():
        setattr(step, name, value)
    if step.id is None:
        step.position = max((s.position for s in template.steps), default=-1) + 1
        template.steps.append(step)
    template.updated_at = utcnow()
    _commit_template_change()
    return step


def move_template_step(step: TemplateStep, direction: int) -> None:
    """Swap the step with its neighbour above (-1) or below (+1); the ends stay where they are."""
    steps = list(step.template.steps)
    index = steps.index(step)
    other = index + direction
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        for position, s in enumerate(steps):
            s.position = position
        _commit_template_change()
    db.session.refresh(step.template)


def remove_template_step(step: TemplateStep) -> ChecklistTemplate:
    """Remove the step and close the gap; returns its template. Of two people removing it at once, one does."""
    template = step.template
    removed = db.session.execute(delete(TemplateStep).where(TemplateStep.id == step.id)
                                 .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        db.session.rollback()
        raise TemplateConflict(STEP_REMOVED)
    db.session.expunge(step)
    db.session.expire(template, ["steps"])
    for position, s in enumerate(sorted(template.steps, key=lambda s: s.position)):
        s.position = position
    _commit_template_change()
    return template


# --- visits' checklists ----------------------------------------------------------------------------

def copy_template(visit: Visit) -> None:
    """Give a new visit its own copy of the template's steps: later template edits never reach it."""
    template = template_for(visit.visit_type)
    # The calendar reads the office's days from the database: the new steps must not be flushed before
    # their due times are set.
    with db.session.no_autoflush:
        visit.steps = [
            VisitStep(title=s.title, description=s.description, responsible=s.responsible, anchor=s.anchor,
                      offset_minutes=s.offset_minutes, position=s.position)
            for s in (template.steps if template else [])]
        reschedule(visit)


def started(visit: Visit) -> bool:
    """Whether anyone has worked on the visit's checklist: a step ticked, skipped, reopened or noted. Such a
    checklist is never thrown away, so its history keeps making sense."""
    if any(step.state != StepState.OPEN for step in visit.steps):
        return True
    return db.session.scalar(select(VisitEvent.id).where(VisitEvent.visit_id == visit.id,
                                                         VisitEvent.step_id.is_not(None)).limit(1)) is not None


def reschedule(visit: Visit) -> None:
    """Set every step's due time from the expected times. A step already past when the visit is planned is
    marked late-planned: still doable, but never alarmed on the board nor reminded (nobody could have done it
    in time, and the people planning at short notice know)."""
    now = utcnow()
    for step in visit.steps:
        step.due_at = due_time(_anchor_time(visit, step.anchor), step.offset_minutes)
        step.late_planned = step.due_at < now
        step.overdue_notified_at = now if step.late_planned else None


def _anchor_time(visit: Visit, anchor: str) -> datetime:
    return visit.expected_departure if anchor == "departure" else visit.expected_arrival


def can_undo(step: VisitStep, user, now: datetime) -> bool:
    """A wrong tap on the board can be taken back by the one who made it, for a few minutes."""
    return (step.state == StepState.DONE and step.done_by_id == user.id and step.done_at is not None
            and step.done_at >= now - UNDO_WINDOW)
