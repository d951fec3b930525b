"""The visitor's rating link: signed (itsdangerous, with the app's secret key) and expiring, no account needed.

It carries only the visit's id; anyone holding it may rate that visit's reception once.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.links import external_url

SALT = "satisfaction.visit-guest-rating"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(visit_id: int) -> str:
    return _serializer().dumps(visit_id)


def guest_link(visit_id: int) -> str:
    """The absolute address to give the visitor (from BASE_URL when set, like QR labels)."""
    return external_url("satisfaction.guest", token=token_for(visit_id))


def visit_of(token: str) -> int | None:
    """The visit id a link names, or None when it was altered or is older than SATISFACTION_GUEST_LINK_DAYS."""
    max_age = int(current_app.config["SATISFACTION_GUEST_LINK_DAYS"]) * 86400
    try:
        value = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return value if isinstance(value, int) else None
