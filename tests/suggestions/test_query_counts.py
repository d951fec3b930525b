"""The lists' query counts stay constant as records grow (5 vs 30 suggestions per page)."""
import pytest

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import reports, services
from app.suggestions.models import MeToo
from app.timeutil import day_bounds


def _fill(make_suggestion, make_user, publish, count: int):
    authors = [make_user() for _ in range(3)]
    for n in range(count):
        suggestion = make_suggestion(authors[n % 3] if n % 2 else None, title=f"建议 {n}")
        publish(suggestion, "in_progress", f"处理中 {n}")
        suggestion.on_board = True
        suggestion.created_at = day_bounds(reports.week_start())[0]
        db.session.add(MeToo(suggestion_id=suggestion.id, user_id=authors[0].id))
    db.session.commit()


@pytest.mark.parametrize("path", ["/suggestions/triage", "/suggestions/board", "/suggestions/digest",
                                  "/suggestions/"])
def test_query_count_does_not_grow_with_records(client, login_as, make_suggestion, make_user, publish, count_queries,
                                                path):
    office = login_as(Role.OFFICE)
    counts = []
    for batch in (5, 25):
        _fill(make_suggestion, make_user, publish, batch)
        for n in range(3):  # "mine" needs the signed-in user's own named suggestions
            services.file_suggestion(author=office, anonymous=False, category=services.categories()[0],
                                     title=f"mine {batch} {n}", details="d", token=f"q-{batch}-{n}-token")
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
