"""Assigned tasks (督办): owner, deadline and acceptance criterion, progress until accepted.

A task is the same record as a liaison meeting's action item (app/meetings/models.py ActionItem), with a
source; its states, moves and history are the action items' (app/meetings/workflow.py, actions.py).
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.cli import register_demo_seeder, register_periodic
from app.main.dashboard import Card, register_card
from app.navigation import NavItem, Tab, register_nav, register_tabs

from . import models, views  # noqa: F401  (the table joins the metadata; the routes join the blueprint)
from .blueprint import bp
from .card import render_card
from .demo import seed_demo
from .jobs import remind_overdue, weekly_summary
from .workflow import ASSIGNERS, source_label


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("tasks.index", _l("Tasks"), (Role.EMPLOYEE,), order=42))
    register_tabs(app, "tasks", [
        Tab("tasks.index", _l("All tasks")),
        Tab("tasks.overview", _l("What I assigned"), roles=ASSIGNERS),
        Tab("tasks.new", _l("Assign a task"), roles=ASSIGNERS),
    ])
    register_card(app, Card("tasks", (Role.EMPLOYEE,), render=render_card, order=41,
                                topics=("meetings", "tasks")))
    register_periodic(app, "tasks: overdue reminders", remind_overdue)
    register_periodic(app, "tasks: weekly summary", weekly_summary)
    register_demo_seeder(app, seed_demo)
    app.add_template_global(source_label, "task_source")  # "leadership instruction · …" on a task's page
