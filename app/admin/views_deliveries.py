"""Deliveries (admin): what left the app on which channel, with its state, and a test message."""
from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth.services import find_by_login
from app.forms import Form, attach_error
from app.htmx import redirect_after_post, render_form
from app.notifications import Kind, notify
from app.notifications.channels import CHANNELS
from app.notifications.channels import enabled as channels_enabled
from app.notifications.forms import CHANNEL_LABELS
from app.notifications.queries import recent_deliveries
from app.params import to_text

from .blueprint import bp

STATE_LABELS = {"pending": _l("Waiting"), "sending": _l("Sending"), "sent": _l("Sent"),
                "retrying": _l("Retrying"), "failed": _l("Failed")}


class TestMessageForm(Form):
    login = StringField(_l("Send a test message to (login name)"), validators=[DataRequired(), Length(max=40)])


class NoSuchUser(ValueError):
    message = _l("No active user has this login name.")
    field = "login"


@bp.get("/deliveries")
def deliveries():
    return _page(TestMessageForm(), "admin/_delivery_rows.html")


def _page(form, fragment="admin/deliveries.html"):
    channel, state = to_text(request.args.get("channel")), to_text(request.args.get("state"))
    rows = recent_deliveries(channel if channel in CHANNELS else "", state if state in STATE_LABELS else "")
    return render_form("admin/deliveries.html", fragment, form=form, rows=rows, channel=channel, state=state,
                       channel_labels=CHANNEL_LABELS, state_labels=STATE_LABELS,
                       enabled=channels_enabled(current_app.config))


@bp.post("/deliveries/test")
def send_test():
    form = TestMessageForm()
    if form.validate_on_submit():
        user = find_by_login(form.login.data.strip())
        if user is None or not user.active:
            attach_error(form, NoSuchUser())
        else:
            notify([user], _l("This is a test message from Office Hub."), link=url_for("notifications.index"),
                   kind=Kind.GENERAL)
            flash(_("The test message is on its way to %(name)s.", name=user.name), "success")
            return redirect_after_post(url_for("admin.deliveries"))
    return _page(form)


