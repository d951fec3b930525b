"""Forms for accounts, departments and the user import."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.forms import PASSWORD_RULES
from app.auth.roles import GRANTABLE_ROLES
from app.choices import options
from app.forms import Form

from .services import CHANNEL_ID_PATTERN, EMAIL_PATTERN, LOGIN_PATTERN


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    """Serves both creating and editing an account; the password is asked only when creating."""
    login = StringField(_l("Login name"), validators=[
        DataRequired(), Length(max=40),
        Regexp(LOGIN_PATTERN, message=_l("Use letters, digits or . _ @ - only, such as an employee number."))],
        description=_l("Usually the employee number."))
    name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    roles = CheckboxListField(_l("Roles"), description=_l("Everyone is an employee; tick the extra roles."))
    password = StringField(_l("Temporary password"), validators=PASSWORD_RULES,
                           description=_l("Tell it to the person; they must change it at first sign-in."))
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254), Regexp(
        EMAIL_PATTERN, message=_l("Enter an e-mail address such as name@example.com."))])
    wecom_userid = StringField(_l("WeCom user ID"), validators=[Optional(), Length(max=64), Regexp(
        CHANNEL_ID_PATTERN, message=_l("Use the ID shown in the WeCom or DingTalk admin console."))],
        description=_l("As shown in the WeCom admin console (企业微信账号)."))
    dingtalk_userid = StringField(_l("DingTalk user ID"), validators=[Optional(), Length(max=64), Regexp(
        CHANNEL_ID_PATTERN, message=_l("Use the ID shown in the WeCom or DingTalk admin console."))])

    def __init__(self, *args, departments=(), creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = options([(0, _l("— none —"))] + [(d.id, str(d)) for d in departments])
        self.roles.choices = options((r.value, r.label) for r in GRANTABLE_ROLES)
        if not creating:
            del self.password


class ResetPasswordForm(Form):
    password = StringField(_l("Temporary password"), validators=PASSWORD_RULES,
                           description=_l("Tell it to the person; they must change it at next sign-in."))


class DepartmentForm(Form):
    code = StringField(_l("Short code"), validators=[
        DataRequired(), Length(max=20),
        Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only."))])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))])
