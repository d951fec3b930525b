"""Error pages in the layout, or a message fragment when a partial htmx request failed."""
from flask import current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.htmx import wants_fragment

CONFLICT_MESSAGE = _l("Someone else changed this first. The page now shows the current state; check it and try again.")
MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    401: _l("Sign in again in another tab, then repeat what you did here: this page keeps what you typed."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page does not exist, or it was removed."),
    405: _l("This action is not available here."),
    409: CONFLICT_MESSAGE,
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("Something went wrong on our side. Your last action may not have been saved; please try again."),
}
TITLES = {
    400: _l("Bad request"), 401: _l("You are signed out."), 403: _l("No permission"), 404: _l("Not found"),
    405: _l("Not allowed"), 409: _l("Changed by someone else"),
    413: _l("File too large"), 429: _l("Too many attempts"), 500: _l("Server error"),
}
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Reload the page and try again.")


class Refused(ValueError):
    """A service refused an action; the message says why and `field` names the form field at fault.

    Every feature's "not allowed" or "not valid" error derives from this; `app.forms.attach_error`
    puts it on its field (or on the form as a whole when `field` is None).
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class Conflict(Exception):
    """Someone else changed the record first (a lost race); `current` is the record as it is now.

    A view may catch it to draw its own 409 (the agenda's field-by-field differences); otherwise
    the handler below answers 409 with the message in #flash, the same in every feature.
    """

    def __init__(self, message=None, current=None):
        super().__init__(message or CONFLICT_MESSAGE)
        self.message = message or CONFLICT_MESSAGE
        self.current = current

    def __str__(self) -> str:
        return str(self.message)


# Codes with a page of their own; the rest use the 400 page with their title and message.
PAGES = (400, 403, 404, 413, 429, 500)


def _render(code: int, message=None, link=None, kept=()):
    page_code = code if code in TITLES else 400
    context = {"code": code, "title": TITLES[page_code], "message": message or MESSAGES[page_code], "link": link,
               "kept": kept}
    if wants_fragment():
        # Put the message where the user looks for feedback instead of inside the widget that failed.
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML", "Vary": "HX-Request"}
        return render_template("errors/_message.html", **context), code, headers
    template = f"errors/{page_code}.html" if page_code in PAGES else "errors/400.html"
    return render_template(template, **context), code, {"Vary": "HX-Request"}


def signed_out_fragment():
    """For an htmx request whose session has ended. Following the redirect to /login would swap the whole
    login page into the widget that asked (the bell, a row); a message in #flash leaves the page and the
    text typed into it alone, with a link to sign in elsewhere."""
    return _render(401, link=(url_for("auth.login"), _l("Sign in")))


def rate_limited(retry_after_seconds: int):
    body, code, headers = _render(429)
    return current_app.response_class(body, code, {**headers, "Retry-After": str(retry_after_seconds)})


def handle_conflict(exc: Conflict):
    """A lost race that no view drew itself: 409, with the message where the user looks."""
    db.session.rollback()
    return _render(409, exc.message)


def handle_http(exc: HTTPException):
    return _render(exc.code or 500)


# Form fields never shown back on an error page.
SECRET_FIELDS = ("password", "current", "new", "confirm", "version", "token")  # csrf_token too


def _typed_text() -> list[str]:
    """The text fields of a refused post, so that nothing typed is lost: the page shows them to copy."""
    return [value for key, value in request.form.items(multi=True)
            if value.strip() and not key.endswith(SECRET_FIELDS) and len(value) > 1]


def handle_csrf(exc: CSRFError):
    # An expired or foreign token: the form cannot be trusted, but the person's words can be given back.
    return _render(400, CSRF_MESSAGE, kept=_typed_text())


def handle_unexpected(exc: InternalServerError):
    """Flask has logged the traceback already; the user gets the 500 page in the layout."""
    # A half-done transaction must not leak into the error page's own queries.
    db.session.rollback()
    return _render(500)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(Conflict, handle_conflict)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(HTTPException, handle_http)
