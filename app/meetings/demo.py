"""Demo data for `flask seed-demo`: last week's closed liaison meeting with its action items, this week's, and
the project coordination group's next meeting."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import Department, User
from app.extensions import db
from app.timeutil import to_utc, today, utcnow

from .attendance import freeze_attendance
from .models import ActionEvent, ActionItem, AgendaItem, Attendance, Meeting, MeetingSeries, SeriesKind
from .workflow import ActionState, ItemStatus, MeetingStatus

OPEN, STARTED, ACCEPTED, DISCUSSED = ActionState.OPEN, ActionState.STARTED, ActionState.ACCEPTED, ItemStatus.DISCUSSED


def _people():
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    users = {u.login: u for u in db.session.scalars(select(User))}
    return departments, users


def seed_demo() -> None:
    departments, users = _people()
    if "PROD" not in departments or "office" not in users or db.session.scalar(select(Meeting.id).limit(1)):
        return
    office = users["office"]
    day = today()
    monday = day - timedelta(days=day.weekday())
    last = Meeting(starts_at=to_utc(datetime.combine(monday - timedelta(days=7), time(9, 0))), place="三楼会议室 301",
                   status=MeetingStatus.CLOSED, created_by_id=office.id, closed_at=utcnow() - timedelta(days=6),
                   closed_by_id=office.id)
    this = Meeting(starts_at=to_utc(datetime.combine(monday + timedelta(days=7), time(9, 0))), place="三楼会议室 301",
                   created_by_id=office.id)
    db.session.add_all([last, this])
    db.session.flush()
    hiring = AgendaItem(meeting_id=last.id, position=1, kind="need", title="下月产线改造需要20名临时工",
                        details="The line retrofit next month needs 20 temporary workers.",
                        department_id=departments["PROD"].id, addressed_to_id=departments["HR"].id,
                        urgency="high", minutes_budget=10, status=DISCUSSED, outcome="人力资源部立即启动招聘。",
                        decision="HR starts hiring at once.", created_by_id=users["liaison-prod"].id)
    reports = AgendaItem(meeting_id=last.id, position=2, kind="problem", title="谁负责向客户提供产品检测报告？",
                         details="Who provides product test reports to customers?",
                         department_id=departments["SALES"].id, addressed_to_id=departments["QA"].id,
                         minutes_budget=5, status=DISCUSSED, outcome="质量部负责，一个工作日内答复。",
                         decision="Quality answers report requests within one working day.",
                         created_by_id=users["liaison-sales"].id)
    db.session.add_all([hiring, reports, Attendance(meeting_id=last.id, department_id=departments["PROD"].id,
                                                    status="present"),
                        Attendance(meeting_id=last.id, department_id=departments["SALES"].id, status="present"),
                        Attendance(meeting_id=last.id, department_id=departments["HR"].id, status="substitute",
                                   substitute="赵敏 Zhao Min")])
    db.session.flush()
    hire = ActionItem(item_id=hiring.id, meeting_id=last.id, task="招聘20名临时工 Hire 20 temporary workers",
                      department_id=departments["HR"].id, owner_id=users["liaison-hr"].id,
                      deadline=day + timedelta(days=14), acceptance="20人到岗并完成安全培训 20 people on site, "
                      "safety training done", state=STARTED, closed_state=OPEN, created_by_id=office.id)
    answer = ActionItem(item_id=reports.id, meeting_id=last.id, task="建立检测报告答复流程 Test-report answer process",
                        department_id=departments["QA"].id, owner_id=users["liaison-qa"].id,
                        deadline=day - timedelta(days=1), acceptance="流程发布并通知销售部 Process published, "
                        "Sales informed", state=ACCEPTED, closed_state=OPEN, accepted_at=utcnow(),
                        created_by_id=office.id)
    for action, steps in ((hire, [("", OPEN), (OPEN, STARTED)]), (answer, [("", OPEN), (OPEN, ACCEPTED)])):
        action.events = [ActionEvent(user_id=office.id, from_state=a, to_state=b) for a, b in steps]
    db.session.add_all([hire, answer])
    db.session.flush()
    freeze_attendance(last)  # the minutes of a closed meeting list every department with its liaison
    db.session.add(AgendaItem(meeting_id=this.id, position=1, kind="problem", title="实验室空调夜间故障",
                              details="Lab air-conditioning fails at night; researchers working late need it.",
                              department_id=departments["RD"].id, addressed_to_id=departments["LOG"].id,
                              urgency="urgent", minutes_budget=10, created_by_id=users["liaison-rd"].id))
    _seed_group(departments, users, monday + timedelta(days=9))
    db.session.commit()


GROUP_MEMBERS = ("liaison-prod", "employee", "liaison-qa", "liaison-pur", "liaison-tech")
GROUP_ITEMS = (("information", "样机进度：结构件已到货", "Prototype: the structural parts arrived.", "PROD"),
               ("problem", "检测设备排期冲突", "The test bench is booked twice next week.", "QA"),
               ("need", "需要采购两台示波器", "Two oscilloscopes are needed for the integration tests.", "RD"))


def _seed_group(departments, users, day) -> None:
    """The project coordination group (专项项目协同小组): five people of five departments, and its weekly
    progress sync with a few items."""
    people = [users[login] for login in GROUP_MEMBERS if login in users]
    group = MeetingSeries(name="专项项目协同小组", name_en="Project coordination group", kind=SeriesKind.GROUP.value,
                          place="研发楼 2F 项目室", members=people)
    sync = Meeting(series=group, starts_at=to_utc(datetime.combine(day, time(15, 0))), place=group.place,
                   created_by_id=users["office"].id)
    db.session.add_all([group, sync])
    db.session.flush()
    for position, (kind, title, details, code) in enumerate(GROUP_ITEMS, start=1):
        db.session.add(AgendaItem(meeting_id=sync.id, position=position, kind=kind, title=title, details=details,
                                  department_id=departments[code].id, minutes_budget=10,
                                  created_by_id=people[0].id if people else None))
