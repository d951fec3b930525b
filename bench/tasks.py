"""Assigned-task volume: 5,000 tasks outside meetings, most from the demo leader, in every state.

A quarter is accepted, the rest spread over open, in progress (with a percentage) and done; about one
in six of the open ones is overdue, so the overview's three groups and the overdue filter all have rows.
"""
from datetime import timedelta

from sqlalchemy import insert, select

from app.auth.models import User
from app.meetings.models import ActionEvent, ActionItem
from app.timeutil import today, utcnow

from .pages import GenContext, Page

PAGES = [
    Page("tasks: list (leader)", "leader", "/tasks/"),
    Page("tasks: overdue leadership tasks (office)", "office", "/tasks/?source=leadership&overdue=1"),
    Page("tasks: leader's overview", "leader", "/tasks/overview"),
    Page("tasks: list (owner, their own)", "liaison-qa", "/tasks/"),
    Page("home (leader, tasks card)", "leader", "/", touch="meetings"),
]
TITLES = ["整理整改清单 Fix list", "更新供应商档案 Supplier files", "编制培训计划 Training plan",
          "核对库存 Stock check", "答复客户投诉 Answer a complaint", "准备审核材料 Audit papers"]
SOURCES = ["leadership", "leadership", "leadership", "request", "other"]
STATES = ["accepted", "open", "in_progress", "in_progress", "done"]


def _owners(ctx: GenContext) -> list[tuple[int, int]]:
    rows = ctx.session.execute(select(User.id, User.department_id).where(User.department_id.is_not(None))
                               .limit(300)).all()
    return [tuple(row) for row in rows]


def _row(ctx: GenContext, n: int, owners, assigners) -> dict:
    owner_id, department_id = ctx.rng.choice(owners)
    state = ctx.rng.choice(STATES)
    created = utcnow() - timedelta(days=ctx.rng.randrange(1, 200))
    deadline = today() + timedelta(days=ctx.rng.randrange(-10, 50))
    return {"task": f"{ctx.rng.choice(TITLES)} #{n}", "source": ctx.rng.choice(SOURCES), "source_note": "",
            "details": "", "department_id": department_id, "owner_id": owner_id, "deadline": deadline,
            "acceptance": "按验收标准完成并书面确认 done and confirmed in writing", "state": state, "version": 1,
            "percent": ctx.rng.randrange(0, 100, 10) if state == "in_progress" else None,
            "overdue_step": 0, "created_at": created, "updated_at": created, "created_by_id": ctx.rng.choice(assigners),
            "accepted_at": created + timedelta(days=5) if state == "accepted" else None}


def generate(ctx: GenContext) -> None:
    owners = _owners(ctx)
    leader, office = ctx.users["leader"].id, ctx.users["office"].id
    assigners = [leader] * 4 + [office]
    ctx.session.execute(insert(ActionItem), [_row(ctx, n, owners, assigners) for n in range(ctx.count(5000))])
    task_ids = ctx.session.scalars(select(ActionItem.id).where(ActionItem.source != "meeting")).all()
    ctx.session.execute(insert(ActionEvent), [
        {"action_id": t, "user_id": leader, "from_state": "", "to_state": "open", "note": "", "at": utcnow()}
        for t in task_ids])
