"""The front-desk home card counts in the database what the board lists (issue #12: no visits loaded)."""
from datetime import timedelta

from app.auth.roles import Role
from app.extensions import db
from app.visits import queries
from tests.visits.conftest import later_today


def test_the_card_counts_what_the_board_lists(client, login_as, make_visit, count_queries):
    login_as(Role.RECEPTION)
    arrived, _expected = make_visit(arrival=later_today()), make_visit(arrival=later_today(25))
    left = make_visit(arrival=later_today(30))
    make_visit(arrival=later_today() + timedelta(days=1))
    make_visit(arrival=later_today() + timedelta(days=5))
    for visit in (arrived, left):
        client.post(f"/visits/{visit.id}/arrive")
    client.post(f"/visits/{left.id}/depart")
    # Still in the building from yesterday: on the board (and the card) today.
    yesterday = make_visit(arrival=later_today(35))
    client.post(f"/visits/{yesterday.id}/arrive")
    db.session.expire_all()
    yesterday.expected_arrival -= timedelta(days=1)
    yesterday.expected_departure -= timedelta(days=1)
    yesterday.arrived_at -= timedelta(days=1)
    db.session.commit()

    board = queries.board()
    with count_queries() as counter:
        counts = queries.board_counts()
    assert counter.count == 1
    assert (counts.today, counts.on_site, counts.tomorrow) == (len(board.today), len(board.on_site),
                                                                 len(board.tomorrow))
    assert (counts.today, counts.on_site, counts.tomorrow) == (4, 2, 1)
    page = client.get("/").get_data(as_text=True)
    assert "4 visits today · 2 still in the building · 1 tomorrow" in page
