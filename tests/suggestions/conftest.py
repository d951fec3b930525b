"""Builders for the suggestion box tests: categories, filed suggestions, photos."""
import secrets
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import answers, services


@pytest.fixture(autouse=True)
def default_categories(app):
    """The reference data a real installation gets from migration 0007 (and `flask seed-demo`)."""
    services.seed_default_categories()


@pytest.fixture
def categories(app):
    """The active categories (the autouse fixture above has seeded them), in the order shown."""
    return services.categories()


@pytest.fixture
def make_suggestion(app, categories, make_user):
    """make_suggestion(author=None → anonymous, **fields) -> Suggestion, created through the service."""
    def make(author=None, *, title="食堂晚餐太早结束 🍜", details="七点就关门了。", category=None,
             anonymous=None, days_ago=0, **kwargs):
        filed = services.file_suggestion(
            author=author, anonymous=author is None if anonymous is None else anonymous,
            category=category or categories[1], title=title, details=details,
            token=secrets.token_urlsafe(24), **kwargs)
        suggestion = filed.suggestion
        if days_ago:
            suggestion.created_at -= timedelta(days=days_ago)
            suggestion.answer_due_at -= timedelta(days=days_ago)
            db.session.commit()
        suggestion.code = filed.code
        return suggestion
    return make


@pytest.fixture
def office_user(make_user):
    return make_user(Role.OFFICE, name="王主任")


@pytest.fixture
def publish(office_user):
    """publish(suggestion, status, body) — an office answer published at once."""
    def run(suggestion, status="", body="已处理，谢谢。", **kwargs):
        db.session.refresh(suggestion)
        return answers.answer(suggestion, office_user, version=suggestion.version, status_to=status, body=body,
                              **kwargs)
    return run
