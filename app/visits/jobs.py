"""What `flask tick` runs: reminders of overdue steps and forgotten check-outs, and the purge of old visitors'
personal data."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.timeutil import utcnow

from .models import EventAction, Visit, VisitEvent, VisitStep
from .workflow import StepState, VisitStatus, stored


def _claim(model, row_id: int, column, now) -> bool:
    """Mark a reminder sent with a compare-and-set, so two overlapping ticks never send it twice."""
    result = db.session.execute(update(model).where(model.id == row_id, column.is_(None))
                                .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def remind_overdue_steps() -> str:
    """Tell the owner and the host, once per step, about checklist steps past their due time."""
    now = utcnow()
    steps = db.session.scalars(
        select(VisitStep).join(Visit)
        .where(VisitStep.state == StepState.OPEN.value, VisitStep.due_at < now,
               VisitStep.overdue_notified_at.is_(None),
               Visit.status.in_(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS))))
        .options(joinedload(VisitStep.visit).joinedload(Visit.host),
                 joinedload(VisitStep.visit).joinedload(Visit.owner))
        .order_by(VisitStep.due_at).limit(500)).all()
    sent = 0
    for step in steps:
        if not _claim(VisitStep, step.id, VisitStep.overdue_notified_at, now):
            continue
        visit = step.visit
        notify([visit.owner, visit.host],
               _l("Overdue for the visit of %(organisation)s: %(step)s", organisation=visit.organisation,
                  step=step.title), link=path_for("visits.detail", visit_id=visit.id), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} overdue step(s) reported"


def remind_checkouts() -> str:
    """Visitors still on site after their expected departure plus the grace period: remind reception and owner."""
    now = utcnow()
    grace = timedelta(minutes=current_app.config["VISITS_CHECKOUT_GRACE_MINUTES"])
    visits = db.session.scalars(
        select(Visit).where(Visit.status == VisitStatus.IN_PROGRESS.value, Visit.departed_at.is_(None),
                            Visit.expected_departure < now - grace, Visit.checkout_reminded_at.is_(None))
        .options(joinedload(Visit.owner)).limit(500)).all()
    reception = users_with_role(Role.RECEPTION) if visits else []
    sent = 0
    for visit in visits:
        if not _claim(Visit, visit.id, Visit.checkout_reminded_at, now):
            continue
        notify([*reception, visit.owner],
               _l("Visitors from %(organisation)s should have left by now: record their departure.",
                  organisation=visit.organisation), link=path_for("visits.detail", visit_id=visit.id), commit=False)
        sent += 1
    db.session.commit()
    return f"{sent} check-out reminder(s) sent"


def run_reminders() -> str:
    """The reminders, for `flask tick`."""
    return f"{remind_overdue_steps()}; {remind_checkouts()}"


def purge_expired() -> str:
    """The purge, for `flask tick`: visits older than VISITS_PURGE_DAYS lose their visitors' personal data."""
    days = current_app.config["VISITS_PURGE_DAYS"]
    return f"personal data removed from {purge_personal_data(days)} visit(s) older than {days} days"


def purge_personal_data(older_than_days: int) -> int:
    """Blank what can name or describe a visitor on visits that ended more than `older_than_days` ago:
    names, phone, licence plates, dietary notes, the private note, and every free-text note in the
    checklist and its history (people write "Mr Zhang is diabetic" there too). Organisation, counts,
    times and which steps were done stay for the statistics."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    ids = list(db.session.scalars(select(Visit.id).where(Visit.expected_departure < cutoff,
                                                         Visit.purged_at.is_(None))))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(update(Visit).where(Visit.id.in_(chunk)).values(
            visitor_names="", lead_phone="", licence_plates="", dietary_notes="", reception_note="",
            cancel_reason="", purged_at=utcnow()).execution_options(synchronize_session=False))
        db.session.execute(update(VisitStep).where(VisitStep.visit_id.in_(chunk)).values(note="", skip_reason="")
                           .execution_options(synchronize_session=False))
        db.session.execute(update(VisitEvent).where(VisitEvent.visit_id.in_(chunk)).values(text="")
                           .execution_options(synchronize_session=False))
        db.session.add_all(VisitEvent(visit_id=i, action=EventAction.PURGE.value) for i in chunk)
    db.session.commit()
    return len(ids)
