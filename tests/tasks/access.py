"""Access matrix rows for assigned tasks: everyone signed in sees the list (only the tasks they may see);
assigning and the assigner's overview are the office's and leaders'. A task's own page and moves are the
action item's (/actions/<id>, tests/meetings/access.py). An attachment is for whoever sees its task: office
and liaisons here (the test users neither own nor assigned it); to anyone else it does not exist (404)."""
from datetime import timedelta

from app.auth.models import Department, User
from app.auth.roles import Role
from app.extensions import db
from app.meetings.models import ActionItem
from app.tasks.models import TaskFile
from app.timeutil import today
from tests.access import Route, allow, everyone

ASSIGNERS = (Role.OFFICE, Role.LEADER)

ROUTES = [
    Route("GET", "/tasks/", everyone()),
    Route("GET", "/tasks/new", allow(*ASSIGNERS)),
    Route("POST", "/tasks/new", allow(*ASSIGNERS, status=422), data={"deadline": "not a date"}),
    Route("GET", "/tasks/overview", allow(*ASSIGNERS)),
    Route("GET", "/tasks/files/<int:file_id>", allow(Role.OFFICE, Role.LIAISON), default=404),
]


def setup() -> dict:
    department = Department(code="TSK", name_zh="任务部", name_en="Task dept")
    owner = User(login="task-owner", name="Task Owner", department=department, password_hash="x")
    db.session.add_all([department, owner])
    db.session.flush()
    task = ActionItem(task="整理清单", owner_id=owner.id, department_id=department.id, source="leadership",
                      deadline=today() + timedelta(days=7), acceptance="签字", created_by_id=owner.id)
    task.files = [TaskFile(uploaded_by_id=owner.id, filename="plan.pdf", content_type="application/pdf",
                           data=b"%PDF-1.4 test")]
    db.session.add(task)
    db.session.commit()
    return {"file_id": task.files[0].id}
