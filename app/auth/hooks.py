"""Request hooks for signed-in users."""
from flask import redirect, request, url_for
from flask_login import current_user

from app.htmx import wants_fragment

# Pages a user may still open while a password change is pending.
OPEN_DURING_PASSWORD_CHANGE = {"auth.change_password", "auth.logout", "auth.set_language", "static",
                               "main.healthz"}


def require_password_change():
    """After an administrator reset, nothing else opens until the user picks a new password."""
    if request.endpoint == "static":
        # Static files are the same for everyone: reading the user here would cost two queries per
        # file and touch the session, which makes Flask answer `Vary: Cookie` and so throws the
        # phone's cache away whenever the session cookie changes (sign-in, language, a flash).
        return None
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_DURING_PASSWORD_CHANGE):
        if wants_fragment():
            # The bell polls from the password page itself: a redirect would put that whole page in the
            # header. Nothing to show until the new password is chosen.
            return "", 204
        return redirect(url_for("auth.change_password"))
    return None

