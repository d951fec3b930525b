"""Response headers that harden every page, and caching rules for static files."""
from flask import request
from flask.sessions import SecureCookieSessionInterface

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])

ONE_YEAR = 365 * 24 * 3600


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
    # An intranet: search engines that reach it by accident must not list it.
    response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Pages show personal data: never keep them in a shared cache.
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def static_max_age(filename: str | None) -> int | None:
    """Vendor folders carry their version in the path, and our own files a ?v= hash: both never change."""
    if filename and (filename.startswith("vendor/") or request.args.get("v")):
        return ONE_YEAR
    return 3600


class StaticBlindSessions(SecureCookieSessionInterface):
    """Static files are the same for everyone and never change the session. Flask adds `Vary: Cookie`
    to any answer whose request looked at the session (Flask-Login's remember-cookie hook always
    does), and a phone then throws its cached CSS/JS away whenever the session cookie changes:
    after signing in, switching language or a flash message."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = StaticBlindSessions()
    app.after_request(add_security_headers)
    app.get_send_file_max_age = static_max_age
