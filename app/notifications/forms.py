"""The user's own message settings: where messages reach them, per kind which channels, quiet hours."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.choices import options
from app.forms import Form

from .channels import CHANNEL_ID_PATTERN, DINGTALK, EMAIL, EMAIL_PATTERN, WECOM
from .kinds import Kind

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CHANNEL_LABELS = {EMAIL: _l("E-mail"), WECOM: _l("WeCom"), DINGTALK: _l("DingTalk")}
ID_MESSAGE = _l("Use the ID shown in the WeCom or DingTalk admin console.")
TIME_MESSAGE = _l("Enter a time such as 22:00.")


class CheckboxListField(SelectMultipleField):
    """Named like the admin one: the form macro draws a field of this type as a fieldset of boxes."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SettingsForm(Form):
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254), Regexp(
        EMAIL_PATTERN, message=_l("Enter an e-mail address such as name@example.com."))])
    wecom_userid = StringField(_l("WeCom user ID"), validators=[Optional(), Length(max=64),
                                                                Regexp(CHANNEL_ID_PATTERN, message=ID_MESSAGE)])
    dingtalk_userid = StringField(_l("DingTalk user ID"), validators=[Optional(), Length(max=64),
                                                                      Regexp(CHANNEL_ID_PATTERN, message=ID_MESSAGE)])
    quiet_start = StringField(_l("Quiet hours from"), validators=[Optional(), Regexp(HHMM, message=TIME_MESSAGE)])
    quiet_end = StringField(_l("Quiet hours until"), validators=[Optional(), Regexp(HHMM, message=TIME_MESSAGE)],
                            description=_l("No pushes or e-mails in between, except emergencies."))


def kind_field(kind: Kind) -> str:
    return f"kind_{kind.value}"


def settings_form(**kwargs) -> SettingsForm:
    """The form with one row of channel boxes per kind of event."""
    fields = {kind_field(kind): CheckboxListField(kind.label, choices=options(CHANNEL_LABELS)) for kind in Kind}
    return type("KindSettingsForm", (SettingsForm,), fields)(**kwargs)


