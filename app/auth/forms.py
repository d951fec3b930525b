"""Sign-in and password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import Form

PASSWORD_RULES = [DataRequired(), Length(min=8, max=128)]


class LoginForm(Form):
    login = StringField(_l("Login name"), validators=[DataRequired(), Length(max=40)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=PASSWORD_RULES,
                        description=_l("At least 8 characters."),
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
