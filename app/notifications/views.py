"""The bell in the header, the notifications page and the user's own message settings."""
from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import Refused
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import page_arg

from . import preferences, services
from .channels import enabled as channels_enabled
from .forms import kind_field, settings_form
from .kinds import Kind

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
@cached_page()
def index():
    page = services.page_for(current_user, page_arg())
    return render("notifications/index.html", "notifications/_list.html", page=page)


@bp.get("/bell")
@login_required
@cached_page()
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


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Where messages reach me, which channels for which kind of event, and my quiet hours."""
    form = settings_form(obj=current_user)
    if request.method == "GET":
        for kind, channels in preferences.current_choices(current_user).items():
            form[kind_field(Kind(kind))].data = channels
    if form.validate_on_submit() and _save_settings(form):
        flash(_("Your message settings are saved."), "success")
        return redirect_after_post(url_for("notifications.settings"))
    return render_form("notifications/settings.html", "notifications/settings.html", form=form,
                       kinds=list(Kind), kind_field=kind_field, enabled=channels_enabled(current_app.config))


def _save_settings(form) -> bool:
    try:
        preferences.save(current_user, email=form.email.data or "", wecom_userid=form.wecom_userid.data or "",
                         dingtalk_userid=form.dingtalk_userid.data or "", quiet_start=form.quiet_start.data or "",
                         quiet_end=form.quiet_end.data or "",
                         choices={kind.value: form[kind_field(kind)].data for kind in Kind})
    except Refused as exc:
        attach_error(form, exc)
        return False
    return True
