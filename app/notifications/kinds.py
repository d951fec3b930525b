"""The kinds of event a notification is about; each user picks channels per kind."""
from flask_babel import lazy_gettext as _l

from app.choices import LabelledEnum


class Kind(LabelledEnum):
    REPAIR_URGENT = "repair_urgent", _l("Urgent repair")
    REPAIR_UPDATE = "repair_update", _l("Repair update")
    VISITOR_ARRIVAL = "visitor_arrival", _l("Visitor arrival")
    MEETING_NOTICE = "meeting_notice", _l("Meeting created or moved")
    MEETING_REMINDER = "meeting_reminder", _l("Meeting reminder")
    MINUTES = "minutes", _l("Meeting minutes")
    ACTION_ITEM = "action_item", _l("Action item")
    ANSWER_PUBLISHED = "answer_published", _l("Answer to a suggestion")
    REQUEST_UPDATE = "request_update", _l("Request update")
    TASK_UPDATE = "task_update", _l("Task update")
    WEEKLY_DIGEST = "weekly_digest", _l("Weekly digest")
    RECEIPT = "receipt", _l("Receipt for what you filed")
    GENERAL = "general", _l("Other notices")


# Kinds that ignore quiet hours: someone has to get up for them.
URGENT = frozenset({Kind.REPAIR_URGENT})
