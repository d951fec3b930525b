"""The task itself is `app.meetings.models.ActionItem` (one model for action items and tasks); this holds a
task's attached documents and which weekly summaries were sent, so each assigner gets one per week."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.meetings.models import ActionItem
from app.timeutil import utcnow


class TaskFile(db.Model):
    """A document attached when the task was assigned: its bytes, checked to be a PDF or office file."""
    __tablename__ = "task_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("meeting_actions.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # `task.files` on the action item's page, without the meetings model knowing of this table.
    task: Mapped[ActionItem] = relationship(backref=backref("files", order_by="TaskFile.id",
                                                            cascade="all, delete-orphan"))


class TaskSummarySent(db.Model):
    """One row per assigner and week: the row's primary key is the claim, so two runs send it once."""
    __tablename__ = "task_summaries_sent"

    assigner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)  # the Monday of the week
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
