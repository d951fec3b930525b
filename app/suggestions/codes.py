"""Tracking codes of anonymous suggestions: derived from the form token, shown once, stored only
as a hash, and forgiving of how people type them back."""
import base64
import hashlib
import hmac
import re

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db

from .models import Suggestion

CODE_PATTERN = re.compile(r"^[A-Z2-7]{16}$")


def digest(text: str) -> str:
    """The sha256 kept instead of a secret (a tracking code, a form token)."""
    return hashlib.sha256(text.encode()).hexdigest()


def tracking_code_for(token: str) -> str:
    """The tracking code of the note filed with this form token.

    Derived (HMAC with the secret key) rather than stored, so a resent form shows the same code
    again while the database keeps only the code's hash.
    """
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"suggestion-code:" + token.encode(),
                   hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode()  # 80 bits, 16 characters A–Z 2–7


def normalize_code(text: str) -> str:
    """What people type: lower case, spaces and dashes, O for 0 — all forgiven."""
    cleaned = re.sub(r"[\s\-_.]", "", (text or "").upper()).replace("0", "O").replace("1", "I")
    return cleaned if CODE_PATTERN.match(cleaned) else ""


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def by_code(text: str) -> Suggestion | None:
    code = normalize_code(text)
    if not code:
        return None
    return db.session.scalar(select(Suggestion).where(Suggestion.tracking_hash == digest(code))
                             .options(selectinload(Suggestion.merged_into)))
