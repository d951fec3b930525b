"""Demo data for `flask seed-demo`: tasks the leader assigned outside a meeting, in each state."""
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.calendar.services import add_working_days
from app.extensions import db
from app.meetings.models import ActionEvent, ActionItem
from app.meetings.workflow import ActionState
from app.timeutil import today

from .workflow import TaskSource

OPEN, STARTED, DONE = ActionState.OPEN, ActionState.STARTED, ActionState.DONE
# title, owner login, working days to the deadline (negative: overdue), criterion, state, percent
TASKS = [
    ("整理三季度安全检查整改清单 Q3 safety-inspection fix list", "liaison-prod", 5,
     "清单经安全员签字 List signed by the safety officer", STARTED, 40),
    ("更新供应商资质档案 Update supplier qualification files", "liaison-pur", -2,
     "全部档案在有效期内 Every file within validity", STARTED, 70),
    ("客户检测报告模板 Customer test-report template", "liaison-qa", 3,
     "模板经销售部确认 Template confirmed by Sales", DONE, 100),
    ("年会场地比选 Compare venues for the annual meeting", "liaison-log", 10,
     "三个报价并附推荐 Three quotes with a recommendation", OPEN, None),
]


def seed_demo() -> None:
    users = {u.login: u for u in db.session.scalars(select(User).where(User.login.like("l%")))}
    leader = users.get("leader")
    if leader is None or db.session.scalar(select(ActionItem.id).where(ActionItem.created_by_id == leader.id)
                                           .limit(1)):
        return
    for title, login, days, criterion, state, percent in TASKS:
        owner = users.get(login)
        if owner is None:
            continue
        deadline = add_working_days(today(), days) if days >= 0 else today() - timedelta(days=-days)
        task = ActionItem(task=title, owner_id=owner.id, department_id=owner.department_id, deadline=deadline,
                          acceptance=criterion, state=state, percent=percent, created_by_id=leader.id,
                          source=TaskSource.LEADERSHIP)
        task.events = [ActionEvent(user_id=leader.id, to_state=OPEN)]
        if state != OPEN:
            task.events.append(ActionEvent(user_id=owner.id, from_state=OPEN, to_state=state, percent=percent,
                                           note="进展顺利 On its way"))
        db.session.add(task)
    db.session.commit()
