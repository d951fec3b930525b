"""How many SQL statements the visit page, the visit form and the front desk run (issue #12: a page's first view)."""
from datetime import timedelta

from app.auth.roles import Role
from app.extensions import db
from app.timeutil import utcnow
from app.visits.models import VisitEvent
from tests.visits.conftest import later_today


def test_the_visit_page_reads_the_people_it_names_without_their_roles(client, login_as, make_visit, make_user,
                                                                      count_queries):
    """Host, owner, co-hosts, who ticked the steps and the history's authors are named, so each person's roles
    are not read; the office's people are read only for a request to accept, the equipment check as two
    columns only for a checklist with a technical step."""
    login_as(Role.OFFICE)
    cohosts = [make_user(), make_user()]
    visit = make_visit(cohost_ids=[user.id for user in cohosts])
    for step, person in zip(visit.steps[:3], (make_user(Role.RECEPTION), *cohosts), strict=True):
        step.state, step.done_by_id, step.done_at = "done", person.id, utcnow()
        db.session.add(VisitEvent(visit_id=visit.id, step_id=step.id, step_version=2, action="tick",
                                  user_id=person.id))
    db.session.commit()
    with count_queries() as counter:
        page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert all(person.name in page for person in cohosts)
    # The signed-in user, the visit, its co-hosts, its steps, the history, the equipment check, the room
    # clashes, the unread count and the rating box (17 when each person's roles were read).
    assert counter.count <= 10


def test_the_visit_form_reads_its_lists_as_names(client, login_as, count_queries):
    """The owner, host, co-host, department and room lists: one statement each, not the office's people
    whole with their roles."""
    login_as(Role.OFFICE)
    with count_queries() as counter:
        page = client.get("/visits/new").get_data(as_text=True)
    assert 'id="owner_id"' in page
    assert counter.count <= 7  # 8 when the office's people came whole with their roles


def test_the_front_desk_reads_its_day_in_three_statements(client, login_as, make_visit, count_queries):
    """Today's cards, tomorrow's list and the poll's stamp come from one read of the visits; the cards' step
    counts and the steps they name from one statement each, however many cards there are."""
    login_as(Role.RECEPTION)
    for minutes in (10, 20, 30):
        make_visit(arrival=later_today(minutes))
    make_visit(arrival=later_today() + timedelta(days=1))
    with count_queries() as counter:
        page = client.get("/visits/today").get_data(as_text=True)
    assert page.count('<article id="visit-card-') == 3 and 'Tomorrow <span class="meta">(1)' in page
    # The signed-in user, the page's revisions, the visits, their step counts, their steps, the unread count
    # (8 when tomorrow's list and the stamp were statements of their own).
    assert counter.count <= 6
