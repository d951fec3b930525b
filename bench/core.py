"""Foundation volume: a company of 2,000 people with a year of notifications."""

from sqlalchemy import insert, select

from app.auth.models import User, UserRole
from app.notifications.models import Notification
from app.timeutil import utcnow

from .pages import GenContext, Page

PAGES = [
    Page("home (employee)", "employee", "/"),
    Page("notifications", "employee", "/notifications/"),
    Page("admin: users", "admin", "/admin/users"),
    Page("admin: users search", "admin", "/admin/users?q=E10&role=office"),
]


def generate(ctx: GenContext) -> None:
    departments = list(ctx.departments.values())
    # One shared hash: hashing 2,000 scrypt passwords would dominate the run and measures nothing.
    password_hash = ctx.users["employee"].password_hash
    rows = [{"login": f"E{10000 + n}", "name": f"员工{n:04d}", "department_id": ctx.rng.choice(departments).id,
             "password_hash": password_hash, "active": n % 40 != 0, "must_change_password": False,
             "session_version": 1, "created_at": utcnow()} for n in range(2000)]
    ctx.session.execute(insert(User), rows)
    ids = list(ctx.session.scalars(select(User.id).where(User.login.like("E1%"))))
    roles = ["office", "reception", "maintenance"]
    ctx.session.execute(insert(UserRole), [{"user_id": uid, "role": ctx.rng.choice(roles)}
                                           for uid in ids if ctx.rng.random() < 0.1])
    now = utcnow()
    recipients = ids[:200] + [ctx.users["employee"].id] * 50
    ctx.session.execute(insert(Notification), [
        {"user_id": ctx.rng.choice(recipients), "message": f"通知 {n}：您的报修已处理", "link": "/",
         "created_at": now - ctx.ago(),
         "read_at": None if ctx.rng.random() < 0.2 else now}
        for n in range(ctx.count(20000))])
