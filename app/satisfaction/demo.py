"""Demo data for ratings: a repair done for the demo employee, waiting for them to confirm and rate it, and
ratings of the two past projector repairs, so the monthly report has satisfaction figures to show; a closed
survey round answered by the liaisons (so the trend has a point) and an open one everyone is asked."""
from datetime import date, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.services import find_by_login
from app.extensions import db
from app.repairs import sla
from app.repairs.models import Equipment, EventKind, RepairEvent, RepairRequest, Urgency
from app.timeutil import today, utcnow

from .models import Rating, Subject, SurveyAnswer, SurveyInvite, SurveyQuestion, SurveyRound, SurveyScore
from .surveys import DEFAULT_QUESTIONS

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


def seed_surveys() -> None:
    """Once (no round yet): last quarter's round, closed, answered by every liaison; this quarter's, open."""
    if db.session.scalar(select(SurveyRound.id).limit(1)):
        return
    people = list(db.session.scalars(select(User).where(User.active, User.department_id.is_not(None))
                                     .order_by(User.id)))
    liaisons = [p for p in people if p.login.startswith("liaison-")]
    if not liaisons:
        return
    first = today().replace(day=1)
    earlier, current = (_round("上季度满意度调查 Last quarter", first - timedelta(days=90), "closed"),
                        _round("本季度满意度调查 This quarter", first, "open"))
    db.session.add_all([earlier, current])
    db.session.flush()
    db.session.add_all([SurveyInvite(round_id=earlier.id, user_id=p.id, answered=True) for p in liaisons])
    for n, person in enumerate(liaisons):
        answer = SurveyAnswer(round_id=earlier.id, department_id=person.department_id,
                              comment="会议通知能再早一点 Earlier meeting notices, please" if n == 0 else "")
        db.session.add(answer)
        db.session.flush()
        db.session.add_all([SurveyScore(answer_id=answer.id, question_id=q.id, score=3 + (n + q.position) % 3)
                            for q in earlier.questions])
    db.session.add_all([SurveyInvite(round_id=current.id, user_id=p.id) for p in people])
    db.session.commit()


def _round(title: str, start: date, status: str) -> SurveyRound:
    return SurveyRound(title=title, period_start=start, period_end=start + timedelta(days=89), status=status,
                       questions=[SurveyQuestion(position=n, text=str(q)) for n, q in enumerate(DEFAULT_QUESTIONS)])
