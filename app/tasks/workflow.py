"""Where a task comes from, and who may assign one.

A task's states and moves are the action items' table (app/meetings/workflow.py ACTION_TRANSITIONS): a
task outside a meeting is an `ActionItem` without a meeting, so there is one state machine and one
history. Its assigner (the "assigner" actor there) accepts it or sends it back.
"""
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.choices import LabelledEnum

# Who may assign a task outside a meeting and see the overview of what they assigned.
ASSIGNERS = (Role.OFFICE, Role.LEADER)


class TaskSource(LabelledEnum):
    LEADERSHIP = "leadership", _l("leadership instruction")
    MEETING = "meeting", _l("liaison meeting")
    REQUEST = "request", _l("request")
    OTHER = "other", _l("other")


# The sources a task assigned on /tasks/new may name: a liaison meeting's tasks are its action items.
ASSIGNABLE_SOURCES = (TaskSource.LEADERSHIP, TaskSource.REQUEST, TaskSource.OTHER)


def source_label(action) -> str:
    """"leadership instruction", or the free text when it says more ("request · 检测报告 #12")."""
    source = TaskSource.of(action.source)
    label = str(source.label) if source else action.source
    return f"{label} · {action.source_note}" if action.source_note else label
