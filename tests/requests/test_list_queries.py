"""Lists cost the same number of queries whatever their length: a page of 2 or of 25 requests."""
from datetime import timedelta

from app.auth.roles import Role
from app.extensions import db
from app.requests.models import ServiceRequest
from app.timeutil import utcnow
from tests.requests.conftest import sign_in


def _add(request_type, requesters, count):
    now = utcnow()
    for n in range(count):
        db.session.add(ServiceRequest(type=request_type, department_id=request_type.department_id,
                                      requester=requesters[n % len(requesters)], text=f"need {n}",
                                      created_at=now - timedelta(minutes=n), answer_due=now + timedelta(hours=n),
                                      complete_due=now + timedelta(days=1)))
    db.session.commit()


def _queries(client, count_queries, path) -> int:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_inbox_office_and_mine_cost_the_same_for_2_or_25_rows(client, make_user, make_type, make_handler,
                                                             count_queries):
    request_type = make_type()
    handler, office = make_handler(request_type.department), make_user(Role.OFFICE)
    people = [make_user() for _n in range(5)]
    _add(request_type, [people[0]], 2)
    counts = {}
    for person, path in ((handler, "/requests/inbox"), (office, "/requests/office"), (people[0], "/requests/")):
        sign_in(client, person)
        counts[path] = _queries(client, count_queries, path)
    _add(request_type, people, 40)
    for person, path in ((handler, "/requests/inbox"), (office, "/requests/office"), (people[0], "/requests/")):
        sign_in(client, person)
        assert _queries(client, count_queries, path) == counts[path], path
