"""Every route × every role gets the expected status, and no route of the app is left out."""
import importlib
import pkgutil

import pytest

import tests
from app.auth.roles import Role
from app.auth.services import start_session
from tests.access import ANONYMOUS


def _modules():
    """tests/core_access.py and every tests/<feature>/access.py."""
    modules = [importlib.import_module("tests.core_access")]
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                modules.append(importlib.import_module(f"tests.{info.name}.access"))
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.access":
                    raise
    return modules


CASES = [(module, route) for module in _modules() for route in module.ROUTES]


def _sign_in(client, make_user, role):
    if role == ANONYMOUS:
        return None
    user = make_user(role)
    start_session(user)  # what a real sign-in does: a server-side session the cookie names
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def test_every_route_is_in_the_matrix(app):
    listed = {(route.method, route.rule) for _module, route in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, rule.rule) not in listed:
                missing.append(f"{method} {rule.rule}")
    assert not missing, "routes missing from the access matrix: " + ", ".join(sorted(missing))


@pytest.mark.parametrize("role", [ANONYMOUS, *Role])
@pytest.mark.parametrize("module, route", CASES, ids=[f"{r.method} {r.rule}" for _m, r in CASES])
def test_route_answers_each_role_as_expected(app, client, make_user, module, route, role):
    values = module.setup()
    _sign_in(client, make_user, role)
    response = client.open(route.path(values), method=route.method, data=route.data, headers=route.headers)
    expected = route.status_for(role)
    assert response.status_code == expected, (
        f"{route.method} {route.rule} as {getattr(role, 'value', role)}: "
        f"got {response.status_code}, expected {expected}")
