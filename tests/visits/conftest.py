"""Builders for visits: a planned visit days ahead, with its owner from the office and an employee as host.
Every test starts with the checklist templates an install gets from its migration."""
import itertools
from datetime import timedelta

import pytest

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import day_bounds, today, utcnow
from app.visits import checklist, services
from app.visits.models import Room


@pytest.fixture(autouse=True)
def checklist_templates(app):
    """The reference data: each visit type's template with its standard steps."""
    checklist.seed_templates()


@pytest.fixture
def make_room(app):
    def make(name="301 会议室"):
        room = Room(name=name)
        db.session.add(room)
        db.session.commit()
        return room
    return make


def later_today(minutes: float = 20):
    """A moment `minutes` from now (at most 60), squeezed into what is left of today in office time: late in the
    evening a visit 20 minutes on would be tomorrow's, off the front desk. Later minutes stay later."""
    now = utcnow()
    left = day_bounds(today())[1] - now
    step = timedelta(minutes=minutes) if left > timedelta(hours=1) else left * (minutes / 60)
    return (now + step).replace(microsecond=0)


def visit_data(host, owner=None, *, arrival=None, hours=2, **overrides) -> services.VisitData:
    arrival = arrival or (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    values = dict(organisation="华为 Huawei", visitor_names="张伟\n李娜", visitor_count=2, purpose="产品介绍 😀",
                  visit_type="customer", host_id=host.id, expected_arrival=arrival,
                  expected_departure=arrival + timedelta(hours=hours), owner_id=owner.id if owner else None,
                  lead_phone="+86 138 0000 0000")
    values.update(overrides)
    return services.VisitData(**values)


@pytest.fixture
def make_visit(app, make_user):
    """make_visit(creator=None, host=None, owner=None, **visit_data overrides) → a planned visit.

    The first visit of a test comes from 华为 Huawei, later ones from 华为 Huawei 2, 3 …, so that they are not
    refused as the same visitors registered twice."""
    made = itertools.count(1)

    def make(creator=None, host=None, owner=None, **overrides):
        n = next(made)
        overrides.setdefault("organisation", "华为 Huawei" if n == 1 else f"华为 Huawei {n}")
        owner = owner or make_user(Role.OFFICE)
        creator = creator or owner
        host = host or make_user()
        return services.create_visit(creator, visit_data(host, owner, **overrides))
    return make
