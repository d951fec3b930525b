"""Access matrix rows for the monthly report: the office and leaders only."""
from app.auth.roles import Role
from tests.access import Route, allow

READERS = allow(Role.OFFICE, Role.LEADER)

ROUTES = [
    Route("GET", "/reports/monthly", READERS),
    Route("GET", "/reports/monthly.docx", READERS),
    Route("GET", "/reports/monthly.xlsx", READERS),
]


def setup() -> dict:
    return {}
