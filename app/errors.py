"""Error pages in the layout, or a message fragment when a partial htmx request failed."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.htmx import wants_fragment

MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page does not exist, or it was removed."),
    405: _l("This action is not available here."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("Something went wrong on our side. Your last action may not have been saved; please try again."),
}
TITLES = {
    400: _l("Bad request"), 403: _l("No permission"), 404: _l("Not found"), 405: _l("Not allowed"),
    413: _l("File too large"), 429: _l("Too many attempts"), 500: _l("Server error"),
}
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Reload the page and try again.")


def _render(code: int, message=None):
    page_code = code if code in TITLES else 400
    context = {"code": code, "title": TITLES[page_code], "message": message or MESSAGES[page_code]}
    if wants_fragment():
        # Put the message where the user looks for feedback instead of inside the widget that failed.
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML", "Vary": "HX-Request"}
        return render_template("errors/_message.html", **context), code, headers
    template = f"errors/{page_code}.html" if page_code != 405 else "errors/400.html"
    return render_template(template, **context), code, {"Vary": "HX-Request"}


def handle_http(exc: HTTPException):
    return _render(exc.code or 500)


def handle_csrf(exc: CSRFError):
    return _render(400, CSRF_MESSAGE)


def handle_unexpected(exc: InternalServerError):
    """Flask has logged the traceback already; the user gets the 500 page in the layout."""
    # A half-done transaction must not leak into the error page's own queries.
    db.session.rollback()
    return _render(500)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(HTTPException, handle_http)
