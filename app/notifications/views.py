"""The bell in the header and the notifications page."""
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from app.htmx import redirect_after_post, render
from app.params import page_arg

from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    page = services.page_for(current_user, page_arg())
    return render("notifications/index.html", "notifications/_list.html", page=page)


@bp.get("/bell")
@login_required
def bell():
    """The unread count, polled by the header so a new notification shows without a reload."""
    return render_template("notifications/_bell.html", unread=services.unread_count(current_user)), \
        200, {"Cache-Control": "no-store"}


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Mark read and go to what the notification is about."""
    note = services.mark_read(current_user, notification_id)
    if note is None:
        abort(404)
    target = note.link if note.link.startswith("/") and not note.link.startswith("//") else None
    return redirect_after_post(target or url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user)
    return redirect_after_post(url_for("notifications.index"))
