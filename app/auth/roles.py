"""The roles people hold and the decorator that guards views by role."""
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.choices import LabelledEnum


class Role(LabelledEnum):
    EMPLOYEE = "employee", _l("Employee")
    RECEPTION = "reception", _l("Reception")
    LIAISON = "liaison", _l("Department liaison")
    MAINTENANCE = "maintenance", _l("Maintenance")
    OFFICE = "office", _l("Office")
    LEADER = "leader", _l("Leader")  # a decision-maker who assigns tasks (督办) and accepts them
    ADMIN = "admin", _l("Administrator")

# Roles that can be granted; everybody is an employee without being granted it.
GRANTABLE_ROLES = [r for r in Role if r is not Role.EMPLOYEE]


def role_required(*roles: Role):
    """Let the view run only for a signed-in user holding one of `roles`; 403 for anyone else.

    Stack it under @login_required so an anonymous visitor is sent to the login page first.
    """
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
