"""Known devices: a signed cookie naming who signed in on this browser before.

It only lets that person past the per-name ceiling of the sign-in limit (see throttle), so a
stranger hammering the director's name from elsewhere cannot keep the director out of their own
phone. It grants nothing else: the password is still checked.
"""
from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "officehub_device"
MAX_AGE = 365 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _names() -> list[str]:
    value = request.cookies.get(COOKIE)
    if not value:
        return []
    try:
        names = _serializer().loads(value, max_age=MAX_AGE)
    except (BadSignature, ValueError):
        return []
    return names if isinstance(names, list) else []


def is_known(login: str) -> bool:
    return (login or "").strip().lower() in _names()


def remember(response, user):
    """Add `user` to this browser's known names (at most five: a shared front-desk tablet)."""
    names = [n for n in _names() if n != user.login.lower()][-4:] + [user.login.lower()]
    response.set_cookie(COOKIE, _serializer().dumps(names), max_age=MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
