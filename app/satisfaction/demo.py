"""Demo data for ratings: a repair done for the demo employee, waiting for them to confirm and rate it, and
ratings of the two past projector repairs, so the monthly report has satisfaction figures to show."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.services import find_by_login
from app.extensions import db
from app.repairs import sla
from app.repairs.models import Equipment, EventKind, RepairEvent, RepairRequest, Urgency
from app.timeutil import utcnow

from .models import Rating, Subject

DONE_TEXT = "投影仪遥控器失灵 The projector's remote does not work"


def seed_demo() -> None:
    """Once: when the demo repair is not there yet (and the repairs demo made its places)."""
    employee, maint = find_by_login("employee"), find_by_login("maint")
    projector = db.session.scalar(select(Equipment).where(Equipment.asset_number == "IT-201-01"))
    if not (employee and maint and projector) or db.session.scalar(
            select(RepairRequest.id).where(RepairRequest.description == DONE_TEXT)):
        return
    filed = utcnow() - timedelta(hours=6)
    response_due, fix_due = sla.due_times(Urgency.NORMAL, filed)
    done = RepairRequest(requester=employee, assignee=maint, location=projector.location, equipment=projector,
                         category=projector.category, urgency=Urgency.NORMAL, description=DONE_TEXT, status="done",
                         created_at=filed, response_due=response_due, fix_due=fix_due,
                         responded_at=filed + timedelta(minutes=40), started_at=filed + timedelta(hours=1),
                         done_at=filed + timedelta(hours=3), work_notes="换了电池 New batteries")
    db.session.add(done)
    db.session.add(RepairEvent(repair=done, actor_id=employee.id, kind=EventKind.SUBMITTED, status="submitted",
                               note=DONE_TEXT, created_at=filed))
    past = db.session.scalars(select(RepairRequest).where(RepairRequest.equipment_id == projector.id,
                                                          RepairRequest.status == "confirmed")).all()
    for repair, score in zip(past, (4, 5), strict=False):
        db.session.add(Rating(subject=Subject.REPAIR.value, subject_id=repair.id, rater_id=employee.id, score=score,
                              comment="及时 Quick" if score == 5 else "", created_at=repair.closed_at))
    db.session.commit()
