"""Demo catalogue for `flask seed-demo`: the entries from the office director's speech, each department's
liaison as its handler, and one request filed by sales (the demo employee) to Quality."""
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
    """The demo catalogue and handlers, once (an empty catalogue)."""
    if db.session.scalar(select(RequestType.id).limit(1)):
        return
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    created = {}
    for zh, en, code, answer, complete, guidance, spec in DEMO_TYPES:
        if code not in departments:
            continue
        created[code] = RequestType(name_zh=zh, name_en=en, department=departments[code], answer_days=answer,
                                    complete_days=complete, guidance=guidance, fields_spec=spec)
        db.session.add(created[code])
        liaison = find_by_login(f"liaison-{code.lower()}")
        if liaison is not None:
            db.session.add(RequestHandler(department=departments[code], user=liaison))
    employee = find_by_login("employee")
    if employee is not None and "QA" in created:
        _sample(created["QA"], employee)
    db.session.commit()


def _sample(request_type, requester) -> None:
    now = utcnow()
    text = "客户需要XR-200的检测报告 The customer asks for the XR-200 test report"
    item = ServiceRequest(type=request_type, department=request_type.department, requester=requester, text=text,
                          status=Status.SUBMITTED, created_at=now,
                          answer_due=after_working_days(now, request_type.answer_days),
                          complete_due=after_working_days(now, request_type.complete_days))
    db.session.add(item)
    db.session.add(RequestEvent(request=item, actor_id=requester.id, kind=EventKind.SUBMITTED, status=item.status,
                                note=text, created_at=now))
