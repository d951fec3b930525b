"""Deliveries (admin): what left the app on which channel, with its state, a test message, and
queueing a channel's failed deliveries again after an outage."""
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.services import find_by_login
from app.errors import Refused
from app.forms import Form, attach_error
from app.htmx import redirect_after_post, render_form
from app.notifications import Kind, notify, outbox
from app.notifications.channels import CHANNELS
from app.notifications.channels import enabled as channels_enabled
from app.notifications.forms import CHANNEL_LABELS
from app.notifications.queries import failed_counts, recent_deliveries
from app.params import to_text

from .blueprint import bp

STATE_LABELS = {"pending": _l("Waiting"), "sending": _l("Sending"), "sent": _l("Sent"),
                "retrying": _l("Retrying"), "failed": _l("Failed")}
ADDRESS_MISSING = {
    "email": lambda name: _l("%(name)s has no e-mail address yet: add it on their user page first.", name=name),
    "wecom": lambda name: _l("%(name)s has no WeCom user ID yet: add it on their user page first.", name=name),
    "dingtalk": lambda name: _l("%(name)s has no DingTalk user ID yet: add it on their user page first.",
                                name=name),
}


class TestMessageForm(Form):
    login = StringField(_l("Send a test message to (login name)"), validators=[DataRequired(), Length(max=40)])
    channel = RadioField(_l("By"), validators=[DataRequired(message=_l("Choose a channel."))],
                         description=_l("Sent at once on this channel, whatever the person chose and even in "
                                        "their quiet hours."))


def test_form(**kwargs) -> TestMessageForm:
    """The form offering only the channels switched on; the first is chosen unless the admin picks."""
    form = TestMessageForm(**kwargs)
    on = channels_enabled(current_app.config)
    form.channel.choices = [(name, CHANNEL_LABELS[name]) for name in on]
    if not form.is_submitted() and on:
        form.channel.data = on[0]
    return form


class NoSuchUser(ValueError):
    message = _l("No active user has this login name.")
    field = "login"


@bp.get("/deliveries")
def deliveries():
    return _page(test_form(), "admin/_delivery_rows.html")


def _page(form, fragment="admin/deliveries.html"):
    channel, state = to_text(request.args.get("channel")), to_text(request.args.get("state"))
    rows = recent_deliveries(channel if channel in CHANNELS else "", state if state in STATE_LABELS else "")
    enabled = channels_enabled(current_app.config)
    return render_form("admin/deliveries.html", fragment, form=form, rows=rows, channel=channel, state=state,
                       channel_labels=CHANNEL_LABELS, state_labels=STATE_LABELS, enabled=enabled,
                       failed=failed_counts(),
                       # Links in messages would point at http://localhost: say so where deliveries are seen.
                       base_url_missing=bool(enabled) and not current_app.config["BASE_URL"])


@bp.post("/deliveries/test")
def send_test():
    form = test_form()
    if form.validate_on_submit():
        user = find_by_login(form.login.data.strip())
        if user is None or not user.active:
            attach_error(form, NoSuchUser())
        elif not outbox.address_of(user, form.channel.data):
            attach_error(form, Refused(ADDRESS_MISSING[form.channel.data](user.name), field="channel"))
        else:
            notify([user], _l("This is a test message from Office Hub."), link=url_for("notifications.index"),
                   kind=Kind.GENERAL, channels={form.channel.data})
            flash(_("The test message is on its way to %(name)s by %(channel)s.", name=user.name,
                    channel=CHANNEL_LABELS[form.channel.data]), "success")
            return redirect_after_post(url_for("admin.deliveries", channel=form.channel.data))
    return _page(form)


@bp.post("/deliveries/retry")
def retry_failed():
    """Queue one channel's failed deliveries again; pressing twice queues each once."""
    channel = to_text(request.form.get("channel"))
    if channel not in CHANNELS:
        abort(404)
    count = outbox.retry_failed(channel)
    flash(ngettext("%(num)d failed delivery is queued again.", "%(num)d failed deliveries are queued again.",
                   count), "success")
    return redirect_after_post(url_for("admin.deliveries", channel=channel))
