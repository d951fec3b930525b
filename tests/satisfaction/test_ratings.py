"""One rating component, once per record: a repair its requester confirmed, a completed visit (its host, and its
visitor through a signed link), a completed cross-department request."""
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.repairs import jobs as repair_jobs
from app.satisfaction import links
from app.satisfaction.models import Rating
from app.timeutil import utcnow
from tests.requests.conftest import sign_in

FORM_MARK = 'name="score"'


def _ratings() -> list[Rating]:
    return list(db.session.scalars(select(Rating).order_by(Rating.id)))


def _confirm(client, repair):
    response = client.post(f"/repairs/{repair.id}/act/confirm", data={"version": repair.version})
    assert response.status_code == 303
    return client.get(f"/repairs/{repair.id}")


def test_the_requester_rates_a_repair_when_confirming_it(client, make_user, make_repair):
    requester = make_user()
    repair = make_repair(requester=requester, status="done")
    sign_in(client, requester)
    page = _confirm(client, repair).get_data(as_text=True)
    assert "Rate the repair" in page and FORM_MARK in page

    response = client.post(f"/satisfaction/rate/repair/{repair.id}", data={"score": "4", "comment": "快 quick"})
    assert response.status_code == 303 and response.location.endswith(f"/repairs/{repair.id}")
    page = client.get(f"/repairs/{repair.id}").get_data(as_text=True)
    assert "Your rating" in page and "★★★★☆ (4/5)" in page and "快 quick" in page
    assert FORM_MARK not in page
    [rating] = _ratings()
    assert (rating.subject, rating.subject_id, rating.rater_id, rating.score) == ("repair", repair.id,
                                                                                requester.id, 4)


def test_a_repeated_rating_post_keeps_the_first(client, make_user, make_repair):
    requester = make_user()
    repair = make_repair(requester=requester, status="done")
    sign_in(client, requester)
    _confirm(client, repair)
    client.post(f"/satisfaction/rate/repair/{repair.id}", data={"score": "2"})
    again = client.post(f"/satisfaction/rate/repair/{repair.id}", data={"score": "5"})
    assert again.status_code == 200 and "(2/5)" in again.get_data(as_text=True)
    assert [r.score for r in _ratings()] == [2]


def test_an_automatically_confirmed_repair_is_not_rated(app, client, make_user, make_repair):
    requester = make_user()
    repair = make_repair(requester=requester, status="done", created_at=utcnow() - timedelta(days=10))
    assert repair_jobs.auto_confirm() == "1 auto-confirmed"
    sign_in(client, requester)
    page = client.get(f"/repairs/{repair.id}").get_data(as_text=True)
    assert "Confirmed automatically" in page and FORM_MARK not in page
    assert client.post(f"/satisfaction/rate/repair/{repair.id}", data={"score": "1"}).status_code == 404
    assert _ratings() == []


def test_nobody_else_rates_a_repair_and_an_open_one_is_not_rated(client, make_user, make_repair):
    requester, other = make_user(), make_user(Role.OFFICE)
    repair = make_repair(requester=requester, status="done")
    sign_in(client, requester)
    assert client.get(f"/satisfaction/rate/repair/{repair.id}").status_code == 404  # not confirmed yet
    _confirm(client, repair)
    sign_in(client, other)
    assert FORM_MARK not in client.get(f"/repairs/{repair.id}").get_data(as_text=True)
    assert client.post(f"/satisfaction/rate/repair/{repair.id}", data={"score": "1"}).status_code == 404
    assert client.get("/satisfaction/rate/nothing/1").status_code == 404


@pytest.mark.parametrize("data, field_error", [
    ({"comment": "没选分数 no score"}, "This field is required."),
    ({"score": "9", "comment": "没选分数 no score"}, "Not a valid choice."),
    ({"score": "3", "comment": "没选分数 no score" + "x" * 500}, "characters too long"),
])
def test_bad_input_gets_field_errors_and_keeps_the_text(client, make_user, make_repair, data, field_error):
    requester = make_user()
    repair = make_repair(requester=requester, status="done")
    sign_in(client, requester)
    _confirm(client, repair)
    response = client.post(f"/satisfaction/rate/repair/{repair.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error in page and "没选分数 no score" in page
    assert _ratings() == []


def test_the_host_rates_a_completed_visit_and_gets_the_visitors_link(client, make_user, completed_visit):
    host = make_user()
    visit = completed_visit(host=host)
    sign_in(client, host)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Rate the reception of your visitors" in page and "/satisfaction/visitor/" in page
    assert client.post(f"/satisfaction/rate/visit/{visit.id}", data={"score": "5"}).status_code == 303
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "(5/5)" in page


def test_the_visit_owner_sees_the_link_but_does_not_rate_as_host(client, completed_visit, make_user):
    owner = make_user(Role.OFFICE)
    visit = completed_visit(owner=owner)
    sign_in(client, owner)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "/satisfaction/visitor/" in page and FORM_MARK not in page
    assert client.post(f"/satisfaction/rate/visit/{visit.id}", data={"score": "5"}).status_code == 404


def test_a_planned_visit_has_no_rating(client, make_user, make_visit):
    host = make_user()
    visit = make_visit(host=host)
    sign_in(client, host)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert FORM_MARK not in page and "/satisfaction/visitor/" not in page
    assert client.get(f"/satisfaction/visitor/{links.token_for(visit.id)}").status_code == 404


def test_the_visitor_rates_through_the_link_without_an_account(client, completed_visit):
    visit = completed_visit()
    token = links.token_for(visit.id)
    page = client.get(f"/satisfaction/visitor/{token}")
    assert page.status_code == 200 and "How were you received?" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    response = client.post(f"/satisfaction/visitor/{token}", data={"score": "4", "comment": "热情 warm"})
    assert response.status_code == 303
    page = client.get(f"/satisfaction/visitor/{token}").get_data(as_text=True)
    assert "Thank you: your rating is received." in page and FORM_MARK not in page
    client.post(f"/satisfaction/visitor/{token}", data={"score": "1"})
    [rating] = _ratings()
    assert (rating.subject, rating.rater_id, rating.score, rating.comment) == ("visit_guest", None, 4, "热情 warm")


def test_an_altered_or_expired_link_is_refused(app, client, completed_visit):
    visit = completed_visit()
    token = links.token_for(visit.id)
    assert client.get(f"/satisfaction/visitor/{token[:-2]}xx").status_code == 404
    assert client.get(f"/satisfaction/visitor/{links.token_for(visit.id + 1)}").status_code == 404

    class LongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - (app.config["SATISFACTION_GUEST_LINK_DAYS"] + 1) * 86400

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=links.SALT, signer=LongAgo).dumps(visit.id)
    response = client.get(f"/satisfaction/visitor/{old}")
    assert response.status_code == 404 and "This link no longer works" in response.get_data(as_text=True)
    assert client.post(f"/satisfaction/visitor/{old}", data={"score": "5"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_the_requester_rates_a_completed_request(client, make_user, done_request):
    requester = make_user()
    item = done_request(requester=requester)
    sign_in(client, requester)
    page = client.get(f"/requests/{item.id}").get_data(as_text=True)
    assert "Rate how your request was handled" in page
    assert client.post(f"/satisfaction/rate/request/{item.id}", data={"score": "3"}).status_code == 303
    assert "(3/5)" in client.get(f"/requests/{item.id}").get_data(as_text=True)


def test_an_open_request_is_not_rated(client, make_user, done_request):
    requester = make_user()
    item = done_request(requester=requester, status="in_progress")
    sign_in(client, requester)
    assert FORM_MARK not in client.get(f"/requests/{item.id}").get_data(as_text=True)
    assert client.post(f"/satisfaction/rate/request/{item.id}", data={"score": "3"}).status_code == 404
