"""Constant query counts per page (5 vs 30 records) and CSRF on the main form."""
import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import reports, services
from app.suggestions.models import MeToo, Suggestion


def _fill(file, make_user, publish, count: int):
    authors = [make_user() for _ in range(3)]
    for n in range(count):
        suggestion = file(authors[n % 3] if n % 2 else None, title=f"建议 {n}")
        publish(suggestion, "in_progress", f"处理中 {n}")
        suggestion.on_board = True
        suggestion.created_at = services.start_of_day(reports.week_start())
        db.session.add(MeToo(suggestion_id=suggestion.id, user_id=authors[0].id))
    db.session.commit()


@pytest.mark.parametrize("path", ["/suggestions/triage", "/suggestions/board", "/suggestions/digest",
                                  "/suggestions/"])
def test_query_count_does_not_grow_with_records(client, login_as, file, make_user, publish, count_queries, path):
    office = login_as(Role.OFFICE)
    counts = []
    for batch in (5, 25):
        _fill(file, make_user, publish, batch)
        for n in range(3):  # "mine" needs the signed-in user's own named suggestions
            services.file_suggestion(author=office, anonymous=False, category=services.categories()[0],
                                     title=f"mine {batch} {n}", details="d", form_token=f"q-{batch}-{n}-token")
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_new_suggestion_needs_the_csrf_token(app, client, login_as, categories):
    login_as()
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"category_id": categories[0].id, "title": "无令牌", "details": "d", "form_token": "csrf-test-token-123"}
    response = client.post("/suggestions/new", data=data)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0
    page = client.get("/suggestions/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/suggestions/new", data={**data, "csrf_token": token})
    assert response.status_code == 303
