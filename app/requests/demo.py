"""Demo catalogue for `flask seed-demo`: the entries from the office director's speech, each department's
liaison as its handler, and a few requests with a history, so a fresh install shows the office real figures
(answered on time and late, done, confirmed, handed over) rather than dashes. Sales (its liaison) files the
test report requests to Quality, as in the speech."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import Department
from app.auth.services import find_by_login
from app.calendar.clock import after_working_days
from app.extensions import db
from app.timeutil import utcnow

from .models import EventKind, RequestEvent, RequestHandler, RequestType, ServiceRequest
from .workflow import Status

# (Chinese name, English name, department code, answer days, complete days, guidance, extra fields)
DEMO_TYPES = [
    ("检测报告申请", "Test report request", "QA", 1, 3,
     "写明产品型号、批号和客户名称。 Name the product, batch and customer.",
     "产品型号 Product model* | text\n批号 Batch number | text\n需要日期 Needed by | date"),
    ("临时用工需求", "Temporary staff request", "HR", 2, 10,
     "写明人数、岗位和时间段。 How many people, which job, when.",
     "人数 Headcount* | number\n开始日期 Start date* | date"),
    ("特殊设备采购咨询", "Special equipment purchase enquiry", "PUR", 2, 5,
     "附上规格书或报价单。 Attach the specification or a quote.", "规格书 Specification | file"),
    ("用车申请", "Company car request", "LOG", 1, 2, "写明出发地、目的地和时间。 From where, to where, when.",
     "用车日期 Date* | date\n车型 Vehicle | choice | 轿车 Car, 商务车 Van"),
]


def seed_demo() -> None:
    """The demo catalogue and handlers, once (an empty catalogue); the sample requests once (none filed yet)."""
    if db.session.scalar(select(RequestType.id).limit(1)) is None:
        _catalogue()
    if db.session.scalar(select(ServiceRequest.id).limit(1)) is None:
        _samples({t.department.code: t for t in db.session.scalars(select(RequestType).order_by(RequestType.id))})
    db.session.commit()


def _catalogue() -> None:
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    for zh, en, code, answer, complete, guidance, spec in DEMO_TYPES:
        if code not in departments:
            continue
        db.session.add(RequestType(name_zh=zh, name_en=en, department=departments[code], answer_days=answer,
                                   complete_days=complete, guidance=guidance, fields_spec=spec))
        liaison = find_by_login(f"liaison-{code.lower()}")
        if liaison is not None:
            db.session.add(RequestHandler(department=departments[code], user=liaison))
    db.session.flush()


# (type's department, requester login, days ago, what happened, text). What happened: "new" (just filed),
# "on_time" (answered within hours, done within a day, confirmed), "late" (answered and done after their due
# times, confirmed), "ignored" (taken, never answered: overdue), "done" (done, awaiting the requester),
# "handed_over" (by Purchasing to Quality, with the reason, a moment ago). Days ago are calendar days, far
# enough back that the due times of the finished ones are past whatever holidays lie between.
SAMPLES = [
    ("QA", "liaison-sales", 0, "new", "客户需要XR-200的检测报告 The customer asks for the XR-200 test report"),
    ("QA", "liaison-sales", 6, "on_time", "XR-100 批次 2026-10 的出厂检测报告 Factory test report, XR-100, 2026-10"),
    ("QA", "liaison-sales", 20, "late", "客户审核需要 XR-150 的型式试验报告 Type test report of XR-150 for an audit"),
    ("QA", "liaison-sales", 14, "ignored", "XR-300 的 RoHS 检测报告 RoHS report for the XR-300"),
    ("HR", "liaison-prod", 1, "done", "下周需要 3 名临时包装工 Three temporary packers next week"),
    ("LOG", "employee", 5, "on_time", "周四去机场接客户 A car to the airport on Thursday"),
    ("PUR", "liaison-prod", 0, "handed_over", "采购一台高低温试验箱 Buying a climate test chamber"),
]


def _samples(types: dict) -> None:
    quality = types["QA"].department if "QA" in types else None
    now = utcnow()
    for code, login, days_ago, story, text in SAMPLES:
        request_type, requester = types.get(code), find_by_login(login)
        handler = find_by_login(f"liaison-{code.lower()}")
        if request_type is None or requester is None or handler is None:
            continue
        created = now - timedelta(days=days_ago, hours=2)
        item = ServiceRequest(type=request_type, department=request_type.department, requester=requester,
                              text=text, status=Status.SUBMITTED, created_at=created,
                              answer_due=after_working_days(created, request_type.answer_days),
                              complete_due=after_working_days(created, request_type.complete_days))
        db.session.add(item)
        _event(item, requester, EventKind.SUBMITTED, created, text)
        if story == "handed_over" and quality is not None:
            _event(item, handler, EventKind.HAND_OVER, created + timedelta(hours=1),
                   "试验标准由质量部定 Quality sets the test standard; please answer first",
                   from_department=item.department, to_department=quality)
            item.department = quality
        elif story != "new":
            _history(item, handler, requester, story)


def _history(item, handler, requester, story: str) -> None:
    """Taken within the hour, then answered and done on time or late, or never answered."""
    item.handler, item.status = handler, Status.IN_PROGRESS
    _event(item, handler, EventKind.TAKE, item.created_at + timedelta(minutes=40))
    if story == "ignored":
        return
    late = story == "late"
    item.answered_at = item.answer_due + timedelta(hours=3) if late else item.created_at + timedelta(hours=2)
    item.done_at = item.complete_due + timedelta(days=1) if late else item.created_at + timedelta(hours=20)
    _event(item, handler, EventKind.ANSWER, item.answered_at, "已收到，正在安排 Received, on its way")
    item.answer, item.status = "已处理，详见邮件 Done, see the mail", Status.DONE
    _event(item, handler, EventKind.COMPLETE, item.done_at, item.answer)
    if story != "done":
        item.status, item.closed_at = Status.CONFIRMED, item.done_at + timedelta(hours=4)
        _event(item, requester, EventKind.CONFIRM, item.closed_at)


def _event(item, actor, kind, when, note: str = "", **departments) -> None:
    db.session.add(RequestEvent(request=item, actor_id=actor.id, kind=kind, status=item.status, note=note,
                                created_at=when, **departments))
