"""Liaison meeting volume: a year of weekly meetings, this week's agenda of 200 items, 500 open action items.

The demo seeder has already made meeting 1 (last week, closed) and meeting 2 (this week, open);
the big agenda goes into meeting 2, so the page paths below are fixed. Meeting 2's revision is set
to REVISION with exactly one item changed at it, so the poll pages measure both answers:
nothing new (204) and one changed item. The "show more" pages continue after the first load's 40 agenda
items (positions 10 on) and 20 follow-ups.
"""
from datetime import timedelta

from sqlalchemy import insert, select, update

from app.auth.models import User
from app.meetings.models import ActionEvent, ActionItem, AgendaItem, Meeting
from app.timeutil import utcnow

from .pages import GenContext, Page

LIVE = 2
REVISION = 1000
# "Show more" of the follow-ups asks for the rows after a deadline: one a few weeks into the open ones.
FOLLOWUPS_FROM = (utcnow() - timedelta(weeks=16)).date().isoformat()
PAGES = [
    Page("meetings: list", "office", "/meetings/"),
    Page("meetings: live agenda, 200 items + 500 follow-ups (office)", "office", f"/meetings/{LIVE}", budget=10),
    Page("meetings: live agenda (liaison)", "liaison-prod", f"/meetings/{LIVE}", budget=10),
    Page("meetings: agenda grouped by department", "office", f"/meetings/{LIVE}?group=department", budget=10),
    Page("meetings: the next 40 agenda items (show more)", "office",
         f"/meetings/{LIVE}/agenda?position=50&after=0&shown=40&upto={REVISION}", budget=10),
    Page("meetings: the next 30 follow-ups (show more)", "office",
         f"/meetings/{LIVE}/followups?deadline={FOLLOWUPS_FROM}&after=0&shown=20", budget=10),
    Page("meetings: changes poll, nothing new (204)", "liaison-prod", f"/meetings/{LIVE}/changes?since={REVISION}"),
    Page("meetings: changes poll, one item changed", "liaison-prod",
         f"/meetings/{LIVE}/changes?since={REVISION - 1}"),
    Page("meetings: minutes of the big meeting", "office", f"/meetings/{LIVE}/minutes", budget=10),
    Page("meetings: minutes as DOCX", "office", "/meetings/1/minutes.docx", budget=10),
    Page("actions: list (liaison, own department first)", "liaison-prod", "/actions/"),
    Page("actions: overdue filter", "office", "/actions/?overdue=1"),
    Page("home with the action items card (office)", "office", "/", touch="meetings"),
]
TITLES = ["下月产线改造需要20名临时工", "谁负责向客户提供产品检测报告？", "实验室空调夜间故障", "班车线路调整",
          "加班后打车报销流程", "食堂菜单更新", "新员工安全培训排期", "采购审批太慢", "ERP 账号开通",
          "会议室投影仪坏了 📽️", "Quarterly budget review", "Customer visit next Tuesday"]
TASKS = ["招聘临时工", "发布检测报告流程", "检修空调", "调整班车时刻表", "更新报销制度", "组织安全培训",
         "Publish the new process", "Fix the projector"]
KINDS, URGENCIES = ["need", "problem", "information"], ["normal", "normal", "high", "urgent"]


def _owners(ctx: GenContext) -> list[tuple[int, int]]:
    liaisons = [(u.id, u.department_id) for login, u in ctx.users.items() if login.startswith("liaison-")]
    others = ctx.session.execute(select(User.id, User.department_id).where(User.department_id.is_not(None))
                                 .limit(300)).all()
    return liaisons * 10 + [tuple(row) for row in others]


def _items(ctx, meeting_id: int, count: int, departments, status: str, start_position: int = 1) -> list[int]:
    ctx.session.execute(insert(AgendaItem), [
        {"meeting_id": meeting_id, "position": start_position + n, "kind": ctx.rng.choice(KINDS),
         "title": f"{ctx.rng.choice(TITLES)} #{n}", "details": "详细说明 details " * ctx.rng.randrange(1, 8),
         "department_id": ctx.rng.choice(departments), "addressed_to_id": ctx.rng.choice(departments),
         "urgency": ctx.rng.choice(URGENCIES), "minutes_budget": ctx.rng.choice([None, 5, 10, 15]),
         "status": status, "outcome": "已讨论，按计划推进" if status == "discussed" else "", "decision": "",
         "version": 1, "revision": 1 + n % (REVISION - 2), "created_at": utcnow(), "updated_at": utcnow()}
        for n in range(count)])
    return list(ctx.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
                                    .order_by(AgendaItem.position)))


def _actions(ctx, meeting_id: int, item_ids, count: int, owners, created, states) -> None:
    rows = []
    for n in range(count):
        owner_id, department_id = ctx.rng.choice(owners)
        state = ctx.rng.choice(states)
        rows.append({"item_id": ctx.rng.choice(item_ids), "meeting_id": meeting_id,
                     "task": f"{ctx.rng.choice(TASKS)} #{n}", "department_id": department_id, "owner_id": owner_id,
                     "deadline": (created + timedelta(days=ctx.rng.randrange(3, 60))).date(),
                     "acceptance": "按验收标准完成并书面确认 done and confirmed in writing", "state": state,
                     "version": 1, "created_at": created, "updated_at": created,
                     "accepted_at": created + timedelta(days=10) if state == "accepted" else None})
    if rows:
        ctx.session.execute(insert(ActionItem), rows)


def generate(ctx: GenContext) -> None:
    departments = [d.id for d in ctx.departments.values()]
    owners = _owners(ctx)
    office = ctx.users["office"].id
    live = ctx.session.get(Meeting, LIVE)
    first = ctx.session.get(Meeting, 1)
    weeks = ctx.count(52)
    open_left = 500
    for week in range(weeks, 0, -1):
        start = first.starts_at - timedelta(days=7 * week)
        meeting = Meeting(starts_at=start, place="三楼会议室 301", status="closed", created_by_id=office,
                          closed_at=start + timedelta(hours=2), closed_by_id=office)
        ctx.session.add(meeting)
        ctx.session.flush()
        item_ids = _items(ctx, meeting.id, 15, departments, "discussed")
        # Older meetings' work is mostly accepted; what is still open spreads over the recent months.
        still_open = min(open_left, -(-500 // min(weeks, 20))) if week <= 20 else 0
        open_left -= still_open
        _actions(ctx, meeting.id, item_ids, still_open, owners, start, ["open", "in_progress", "done"])
        _actions(ctx, meeting.id, item_ids, 10, owners, start, ["accepted"])
    item_ids = _items(ctx, LIVE, 200, departments, "open", start_position=10)
    _actions(ctx, LIVE, item_ids, 50, owners, utcnow(), ["open"])
    action_ids = list(ctx.session.scalars(select(ActionItem.id)))
    ctx.session.execute(insert(ActionEvent), [
        {"action_id": a, "user_id": office, "from_state": "", "to_state": "open", "note": "", "at": utcnow()}
        for a in action_ids])
    ctx.session.execute(update(AgendaItem).where(AgendaItem.id == item_ids[0]).values(revision=REVISION))
    live.revision, live.layout_revision, live.followup_revision = REVISION, REVISION - 1, REVISION - 1
