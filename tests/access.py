"""The access matrix: every route × every role gets its expected status.

Each feature lists its routes in tests/<feature>/access.py as ROUTES, plus a setup() that creates
the records the paths point at. tests/test_access.py runs them all and fails when a route of the
application is missing from every list, so no future route is left unguarded.
"""
import re
from dataclasses import dataclass, field

from app.auth.roles import Role

EVERY_ROLE = tuple(Role)
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Route:
    """One route and what each role gets.

    rule: the Flask rule, e.g. "/repairs/<int:repair_id>"; its <...> parts are filled from the
    values that the feature's setup() returns, by name.
    expect: status per role; roles not named get `default`. Anonymous visitors get `anonymous`
    (302 to the login page for signed-in pages; 200 for public ones).
    """
    method: str
    rule: str
    expect: dict = field(default_factory=dict)
    default: int = 403
    anonymous: int | str = 302
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)

    def path(self, values: dict) -> str:
        return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), self.rule)

    def status_for(self, role) -> int:
        if role == ANONYMOUS:
            return self.anonymous
        return self.expect.get(role, self.default)


def allow(*roles, status: int = 200) -> dict:
    """expect= for a route that `roles` may use; everyone else gets the Route's default."""
    return {role: status for role in roles}


def everyone(status: int = 200) -> dict:
    return allow(*EVERY_ROLE, status=status)
