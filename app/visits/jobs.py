"""What the scheduler runs for visits: reminders of overdue steps and forgotten check-outs, and the purge of old
visitors' personal data.

Each of them happens once even when two runs overlap (a slow run and the next, or a runner on each machine):
a reminder claims its row with a conditional UPDATE (rowcount 1 means "mine") in the same transaction as its
notifications, and the run commits once at the end. A run that dies before its commit leaves nothing sent and
nothing claimed, so the next run sends it, once. The purge claims the visits it blanks the same way.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import joinedload

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.timeutil import utcnow

from .models import EventAction, Visit, VisitEvent, VisitStep
from .workflow import StepState, VisitStatus, stored

# Visits blanked per transaction: short transactions, so a second purge running at the same moment waits
# briefly for each chunk instead of for the whole run.
PURGE_CHUNK = 500


def _claim(model, row_id: int, column, now, *conditions) -> bool:
    """Mark the reminder sent, if it still is due and nobody marked it: True when this run is the one to send it."""
    result = db.session.execute(update(model).where(model.id == row_id, column.is_(None), *conditions)
                                .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _step_overdue(now):
    """Open, past due, not reported yet, on a visit still planned or under way; neither already past when the
    visit was planned nor due after the visitors had left (VisitStep.is_overdue)."""
    active = select(Visit.id).where(Visit.status.in_(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS))))
    left_before = exists().where(Visit.id == VisitStep.visit_id, Visit.departed_at.is_not(None),
                                 Visit.departed_at >= VisitStep.due_at)
    return (VisitStep.state == StepState.OPEN.value, VisitStep.due_at < now, VisitStep.visit_id.in_(active),
            VisitStep.late_planned.is_(False), ~left_before)


def remind_overdue_steps() -> str:
    """Tell the owner and the host, once per step, about checklist steps past their due time."""
    now = utcnow()
    steps = db.session.scalars(
        select(VisitStep).where(*_step_overdue(now), VisitStep.overdue_notified_at.is_(None))
        .options(joinedload(VisitStep.visit).joinedload(Visit.host),
                 joinedload(VisitStep.visit).joinedload(Visit.owner))
        .order_by(VisitStep.due_at, VisitStep.id).limit(500)).all()
    sent = 0
    for step in steps:
        # Ticked meanwhile, or another run reported it: nothing to say.
        if not _claim(VisitStep, step.id, VisitStep.overdue_notified_at, now, *_step_overdue(now)):
            continue
        visit = step.visit
        notify([visit.owner, visit.host],
               _l("Overdue for the visit of %(organisation)s: %(step)s", organisation=visit.organisation,
                  step=step.title), link=path_for("visits.detail", visit_id=visit.id), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} overdue step(s) reported"


def _still_on_site(now):
    grace = timedelta(minutes=current_app.config["VISITS_CHECKOUT_GRACE_MINUTES"])
    return (Visit.status == VisitStatus.IN_PROGRESS.value, Visit.departed_at.is_(None),
            Visit.expected_departure < now - grace)


def remind_checkouts() -> str:
    """Visitors still on site after their expected departure plus the grace period: remind reception and owner."""
    now = utcnow()
    visits = db.session.scalars(
        select(Visit).where(*_still_on_site(now), Visit.checkout_reminded_at.is_(None))
        .options(joinedload(Visit.owner)).order_by(Visit.id).limit(500)).all()
    reception = users_with_role(Role.RECEPTION) if visits else []
    sent = 0
    for visit in visits:
        # Departed meanwhile, or another run reminded them: nothing to say.
        if not _claim(Visit, visit.id, Visit.checkout_reminded_at, now, *_still_on_site(now)):
            continue
        notify([*reception, visit.owner],
               _l("Visitors from %(organisation)s should have left by now: record their departure.",
                  organisation=visit.organisation), link=path_for("visits.detail", visit_id=visit.id), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} check-out reminder(s) sent"


def run_reminders() -> str:
    """The reminders, for the scheduler and `flask tick`."""
    return f"{remind_overdue_steps()}; {remind_checkouts()}"


def purge_expired() -> str:
    """The purge, for the scheduler: visits older than VISITS_PURGE_DAYS lose their visitors' personal data."""
    days = current_app.config["VISITS_PURGE_DAYS"]
    return f"personal data removed from {purge_personal_data(days)} visit(s) older than {days} days"


def purge_personal_data(older_than_days: int) -> int:
    """Blank what can name or describe a visitor on visits that ended more than `older_than_days` ago:
    names, phone, licence plates, dietary notes, the private note, and every free-text note in the
    checklist and its history (people write "Mr Zhang is diabetic" there too). Organisation, counts,
    times and which steps were done stay for the statistics. Returns how many visits this run purged:
    of two runs at the same moment, each visit counts in one."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    ids = list(db.session.scalars(select(Visit.id).where(Visit.expected_departure < cutoff,
                                                         Visit.purged_at.is_(None)).order_by(Visit.id)))
    return sum(_purge(ids[start:start + PURGE_CHUNK]) for start in range(0, len(ids), PURGE_CHUNK))


def _purge(chunk: list[int]) -> int:
    """Claim the visits not purged yet (another run may have taken some), blank them and their checklist, commit."""
    mine = list(db.session.execute(
        update(Visit).where(Visit.id.in_(chunk), Visit.purged_at.is_(None))
        .values(visitor_names="", lead_phone="", licence_plates="", dietary_notes="", reception_note="",
                cancel_reason="", purged_at=utcnow())
        .returning(Visit.id).execution_options(synchronize_session=False)).scalars())
    if mine:
        db.session.execute(update(VisitStep).where(VisitStep.visit_id.in_(mine)).values(note="", skip_reason="")
                           .execution_options(synchronize_session=False))
        db.session.execute(update(VisitEvent).where(VisitEvent.visit_id.in_(mine)).values(text="")
                           .execution_options(synchronize_session=False))
        db.session.add_all(VisitEvent(visit_id=i, action=EventAction.PURGE.value) for i in mine)
    db.session.commit()
    return len(mine)
