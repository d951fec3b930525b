"""No input, however malformed, gets a 5xx: every route from the URL map, every query parameter the
code reads and every form field the app's forms declare, with a table of hostile values.

Routes and fields are discovered (like the access matrix discovers routes), so a new route or field
is covered without anyone remembering to add it. Run on SQLite and PostgreSQL like the rest.
"""
import inspect
import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from app.auth.roles import Role
from app.cli import seed_demo
from app.extensions import db
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    "99999999999999999999", "-1", "1.5", "0", "\x00", "a\x00b", "\x0b\x1f", "0000-00-00", "9999-12-31",
    "2026-02-31", "x" * 100_000, "<script>alert(1)</script>", "' OR 1=1 --", "1e309", "NaN", "[]",
]
# A query string longer than gunicorn's request line (4,094 bytes by default) is refused with a 414 before it
# reaches the app, so the query walk's long value is 4,000 characters in each parameter (170 KB in all, already
# past that limit); form bodies have no such limit and keep the 100,000. The longer value cost the walk a second a
# path (a 4 MB query string to parse), 60 % of its time, for nothing a deployment can receive.
QUERY_HOSTILE = [("x" * 4000 if value == "x" * 100_000 else value) for value in HOSTILE]
# Parameters that would make a page rebuild a URL for another endpoint, if it passed them on blindly.
STRAY = {"endpoint": "1", "_method": "1", "_external": "1", "_anchor": "x", "_scheme": "javascript"}


def _query_names() -> set[str]:
    """Every query parameter the code reads: request.args.get("x"), args.getlist("x"), args["x"]."""
    pattern = re.compile(r"args\.get(?:list)?\(\s*\"([a-z_]+)\"|args\[\"([a-z_]+)\"\]")
    names = set()
    for path in (ROOT / "app").rglob("*.py"):
        for match in pattern.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names | {"page", "q"}


def _form_classes(base=FlaskForm):
    for cls in base.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def _field_names() -> set[str]:
    names = set()
    for cls in _form_classes():
        names |= {name for name, value in inspect.getmembers(cls) if isinstance(value, UnboundField)}
    return names - {"csrf_token"}


def _path(rule, record_id: int) -> str | None:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        values[name] = record_id if "Integer" in kind or "Id" in kind else "x"
    try:
        from flask import url_for
        return url_for(rule.endpoint, **values)
    except Exception:  # noqa: BLE001  a route whose converter this walk can't fill
        return None


@pytest.fixture
def everyone(app, client, make_user):
    """Demo data, and one user holding every role, signed in: the widest view of the app."""
    seed_demo(force=True)
    user = make_user(*[r for r in Role if r is not Role.EMPLOYEE], login="walker")
    client.post("/login", data={"login": "walker", "password": PASSWORD})
    return user


def _status(call, *args, **kwargs) -> int:
    """The answer's status; an exception that escaped the app counts as the 500 it would be."""
    try:
        return call(*args, **kwargs).status_code
    except Exception:  # noqa: BLE001
        db.session.rollback()
        return 500


# Signing out would end the walk: every later request would only see the sign-in page.
SKIP = {"static", "auth.logout", "auth.sign_out_elsewhere"}


def _rules(app, method):
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint not in SKIP),
                  key=lambda r: r.rule)


# The walks grow with every route (about 0.7 s a GET path on the shared 2-core machine, about 170 paths): past
# the suite's 120 s default, so they get a ceiling of their own.
@pytest.mark.timeout(600)
def test_no_query_string_gets_a_5xx(app, client, everyone):
    names = sorted(_query_names())
    failures = []
    with app.test_request_context():
        paths = [p for r in _rules(app, "GET") for p in {_path(r, 1), _path(r, 99999999999)} if p]
    for path in paths:
        for value in QUERY_HOSTILE:
            if _status(client.get, path, query_string={name: value for name in names}) >= 500:
                failures.append(f"GET {path} ({value[:20]!r})")
        stray = [(n, v) for n in names for v in ("1", "2")] + list(STRAY.items())
        if _status(client.get, path, query_string=stray) >= 500:
            failures.append(f"GET {path} (repeated and stray parameters)")
    assert not failures, f"{len(failures)} answers of 5xx:\n" + "\n".join(failures[:60])


@pytest.mark.timeout(600)
def test_no_form_post_gets_a_5xx(app, client, everyone):
    names = sorted(_field_names())
    failures = []
    with app.test_request_context():
        paths = [p for r in _rules(app, "POST") for p in {_path(r, 1)} if p]
    for path in paths:
        for value in HOSTILE:
            if _status(client.post, path, data={name: value for name in names}) >= 500:
                failures.append(f"POST {path} ({value[:20]!r})")
    assert client.get("/").status_code == 200, "the walk lost its session, so it proved nothing"
    assert not failures, f"{len(failures)} answers of 5xx:\n" + "\n".join(failures[:60])
