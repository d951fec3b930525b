"""Cross-department request volume: 20,000 requests over a year across the demo catalogue, with timelines."""
from datetime import timedelta

from sqlalchemy import insert, select, text

from app.auth.models import User
from app.calendar.clock import after_working_days
from app.requests import figures
from app.requests.models import RequestEvent, RequestType, ServiceRequest
from app.timeutil import utcnow

from .pages import GenContext, Page

PAGES = [
    Page("requests: mine", "employee", "/requests/"),
    Page("requests: inbox (Quality)", "liaison-qa", "/requests/inbox"),
    Page("requests: office, all open", "office", "/requests/office"),
    Page("requests: office, 90 days", "office", "/requests/office?days=90"),
    Page("requests: detail", "office", "/requests/1"),
    Page("home with requests card (handler)", "liaison-qa", "/", touch="requests"),
]
TEXTS = ["客户需要检测报告", "下周需要两名临时工", "询问进口设备的采购流程", "周五用车去机场",
         "need the report by Friday"]
# share of requests still open, per status; the rest are confirmed or cancelled
OPEN_SHARES = [("submitted", 0.01), ("in_progress", 0.01), ("waiting", 0.004), ("done", 0.006)]


def _status(ctx: GenContext, created, now) -> str:
    roll, total = ctx.rng.random(), 0.0
    if now - created < timedelta(days=20):
        for status, share in OPEN_SHARES:
            total += share * 15  # what is still open was filed recently
            if roll < total:
                return status
    return "cancelled" if ctx.rng.random() < 0.03 else "confirmed"


def _row(ctx: GenContext, request_type, requesters, handlers, now) -> dict:
    created = now - ctx.ago()
    status = _status(ctx, created, now)
    taken = status != "submitted" and status != "cancelled"
    answered = created + timedelta(minutes=ctx.rng.randrange(20, 3000)) if taken else None
    done = answered + timedelta(minutes=ctx.rng.randrange(10, 6000)) if status in ("done", "confirmed") else None
    answer_due = after_working_days(created, request_type.answer_days)
    return {"type_id": request_type.id, "department_id": request_type.department_id,
            "requester_id": ctx.rng.choice(requesters), "handler_id": handlers.get(request_type.department_id)
            if taken else None, "text": f"{ctx.rng.choice(TEXTS)} #{ctx.rng.randrange(10000)}", "extra": "",
            "status": status, "answer": "已处理 done" if done else "", "created_at": created,
            "answer_due": answer_due, "complete_due": after_working_days(created, request_type.complete_days),
            "answered_at": answered, "waiting_since": now if status == "waiting" else None, "done_at": done,
            "closed_at": (done or created) + timedelta(days=1) if status in ("confirmed", "cancelled") else None,
            "version": 1}


def generate(ctx: GenContext) -> None:
    types = list(ctx.session.scalars(select(RequestType)))
    if not types:
        return
    handlers = {ctx.departments[code].id: ctx.users[f"liaison-{code.lower()}"].id
                for code in ctx.departments if f"liaison-{code.lower()}" in ctx.users}
    requesters = list(ctx.session.scalars(select(User.id).limit(1500))) + [ctx.users["employee"].id] * 30
    now = utcnow()
    rows = [_row(ctx, ctx.rng.choice(types), requesters, handlers, now) for _n in range(ctx.count(20000))]
    for start in range(0, len(rows), 5000):
        ctx.session.execute(insert(ServiceRequest), rows[start:start + 5000])
    ids = ctx.session.execute(select(ServiceRequest.id, ServiceRequest.requester_id, ServiceRequest.created_at)).all()
    events = [{"request_id": i, "actor_id": who, "kind": "submitted", "status": "submitted", "note": "",
               "created_at": at} for i, who, at in ids]
    for start in range(0, len(events), 10000):
        ctx.session.execute(insert(RequestEvent), events[start:start + 10000])
    # Bulk INSERTs pass the writes that keep the office's figures: work them out as the app keeps them.
    figures.rebuild(ctx.session)
    if ctx.session.get_bind().dialect.name == "postgresql":
        ctx.session.execute(text("ANALYZE service_requests"))
        ctx.session.execute(text("ANALYZE request_events"))
