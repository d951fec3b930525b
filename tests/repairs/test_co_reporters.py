"""Issue 17 item 5: a request's number is no reason to read it. "Add my report to it" is reached only
through the filing form's hint (a signed token for that person, request and place), and adding a report
shows no more than the hint did: the co-reporter sees the status and their own report, never the
requester's name, words or photos, nor what other co-reporters wrote."""
import re

from werkzeug.datastructures import FileStorage

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.repairs import services
from app.repairs.models import RepairEvent, RepairPhoto, RepairRequest
from app.uploads import save_image
from tests import PARTIAL
from tests.conftest import PASSWORD
from tests.repairs.conftest import hint_link, photo_bytes

SECRET = "王经理办公室的空调漏水，他明天出差 the manager AC leaks, he travels tomorrow"


def _requesters_photo(repair) -> RepairPhoto:
    stored = save_image(FileStorage(photo_bytes(), filename="mine.jpg"), services.PHOTO_KIND)
    photo = RepairPhoto(repair=repair, uploaded_by_id=repair.requester_id, name=stored.name,
                        thumb_name=stored.thumb_name)
    db.session.add(photo)
    db.session.commit()
    return photo


def _open_request(make_repair, make_equipment, make_user, **kwargs):
    equipment = make_equipment()
    requester = make_user(name="王经理 Manager Wang")
    repair = make_repair(equipment=equipment, requester=requester, description=SECRET, **kwargs)
    return repair, _requesters_photo(repair)


def _add_report(client, link, words="我这边也漏水 leaking here too"):
    return client.post(link, content_type="multipart/form-data",
                       data={"description": words, "photos": [(photo_bytes(), "neighbour.jpg")]})


def test_a_stranger_cannot_read_an_open_request_by_its_number(client, login_as, make_repair, make_equipment,
                                                                 make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    login_as()
    for path in (f"/repairs/{repair.id}/report", f"/repairs/{repair.id}/report?hint=forged.token"):
        page = client.get(path)
        assert page.status_code == 404
        assert repair.location.label not in page.get_data(True) and "HVAC" not in page.get_data(True)
        assert _add_report(client, path).status_code == 404
    assert db.session.query(RepairEvent).filter_by(kind="report").count() == 0
    assert client.get(f"/repairs/{repair.id}").status_code == 404


def test_the_hint_opens_the_report_page_for_its_person_only(app, client, login_as, make_repair, make_equipment,
                                                              make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    login_as()
    link = hint_link(client, repair.location_id, repair.equipment_id)
    assert link.startswith(f"/repairs/{repair.id}/report?hint=")
    page = client.get(link).get_data(True)
    assert f"Add my report to request #{repair.id}" in page and repair.location.label in page
    # Another person given the link (a forwarded message) finds nothing: the token names who it was for.
    other_person = make_user()
    other_client = app.test_client()
    other_client.post("/login", data={"login": other_person.login, "password": PASSWORD})
    assert other_client.get("/repairs/new").status_code == 200
    assert other_client.get(link).status_code == 404
    # Nor does the token open another request.
    other = repair.id + 1000
    assert client.get(link.replace(f"/repairs/{repair.id}/", f"/repairs/{other}/")).status_code == 404


def test_the_hint_link_works_only_while_the_request_is_open(client, login_as, make_repair, make_equipment,
                                                            make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    login_as()
    link = hint_link(client, repair.location_id, repair.equipment_id)
    repair.status = "confirmed"
    db.session.commit()
    assert client.get(link).status_code == 404


def test_equipment_elsewhere_gives_no_hint(client, login_as, make_repair, make_equipment, make_location, make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    elsewhere = make_location()
    login_as()
    # A hand-made request naming equipment in another room must not reveal that room's open request.
    assert hint_link(client, elsewhere.id, repair.equipment_id, category="plumbing") is None
    assert hint_link(client, repair.location_id, repair.equipment_id, category="plumbing") is not None


def test_the_report_page_shows_no_more_than_the_hint(client, login_as, make_repair, make_equipment, make_user):
    repair, photo = _open_request(make_repair, make_equipment, make_user, status="in_progress")
    login_as()
    hint = client.get(f"/repairs/new/place?location_id={repair.location_id}&category=hvac").get_data(True)
    page = client.get(hint_link(client, repair.location_id)).get_data(True)
    for shown in (f"#{repair.id}", "HVAC", "In progress"):
        assert shown in hint and shown in page
    for hidden in (SECRET, "Manager Wang", f"/repairs/photos/{photo.id}"):
        assert hidden not in hint and hidden not in page
    # Matched by location and kind, the page names the place the person chose, not the request's equipment.
    assert repair.equipment.name not in page


def test_a_co_reporter_sees_the_status_and_their_own_report_not_the_requesters(client, login_as, make_repair,
                                                                                  make_equipment, make_user):
    repair, photo = _open_request(make_repair, make_equipment, make_user)
    neighbour = login_as(name="邻座 Neighbour")
    response = _add_report(client, hint_link(client, repair.location_id, repair.equipment_id))
    assert response.status_code == 303 and response.headers["Location"] == f"/repairs/{repair.id}"
    mine = db.session.query(RepairPhoto).filter_by(uploaded_by_id=neighbour.id).one()

    page = client.get(f"/repairs/{repair.id}").get_data(True)
    assert "我这边也漏水 leaking here too" in page and f"/repairs/photos/{mine.id}" in page
    assert "Submitted" in page and repair.location.label in page
    for hidden in (SECRET, "Manager Wang", f"/repairs/photos/{photo.id}"):
        assert hidden not in page
    assert client.get(f"/repairs/photos/{photo.id}").status_code == 404
    assert client.get(f"/repairs/photos/{photo.id}?thumb=1").status_code == 404
    assert client.get(f"/repairs/photos/{mine.id}").status_code == 200

    listed = client.get("/repairs/").get_data(True)
    assert f"#{repair.id}" in listed and "You added your report" in listed
    assert "Manager Wang" not in listed and "manager AC" not in listed
    assert f"/repairs/photos/{photo.id}" not in listed


def test_co_reporters_do_not_read_each_other(client, login_as, make_repair, make_equipment, make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    first = make_user(name="第一位 First")
    services.add_report(repair, first, "first private words", [])
    login_as()
    _add_report(client, hint_link(client, repair.location_id, repair.equipment_id), words="second words")
    page = client.get(f"/repairs/{repair.id}").get_data(True)
    assert "second words" in page
    assert "first private words" not in page and "第一位 First" not in page


def test_the_requester_and_maintenance_still_see_everything(client, login_as, make_repair, make_equipment,
                                                            make_user):
    repair, photo = _open_request(make_repair, make_equipment, make_user)
    services.add_report(repair, make_user(name="邻座 Neighbour"), "leaking here too", [])
    login_as(Role.MAINTENANCE)
    page = client.get(f"/repairs/{repair.id}").get_data(True)
    assert SECRET in page and "leaking here too" in page and f"/repairs/photos/{photo.id}" in page
    assert client.get(f"/repairs/photos/{photo.id}").status_code == 200


def test_a_co_reporter_hears_a_reopen_without_the_requesters_reason(app, make_repair, make_user):
    neighbour = make_user()
    repair = make_repair(status="assigned")
    services.add_report(repair, neighbour, "mine too", [])
    for action, note in (("start", ""), ("complete", "refilled the gas")):
        services.act(repair, repair.assignee, action, version=repair.version, note=note)
    services.act(repair, repair.requester, "reopen", version=repair.version, note="王经理说还是不冷 still warm")
    heard = [n.message for n in db.session.query(Notification).filter_by(user_id=neighbour.id)
             .order_by(Notification.id)]
    assert heard[-1] == f"Repair request #{repair.id}, which you added your report to, was reopened."
    assert not any(re.search("still warm|王经理", message) for message in heard)


def test_a_co_reporter_trying_a_step_learns_nothing_more(client, login_as, make_repair, make_equipment, make_user):
    repair, _photo = _open_request(make_repair, make_equipment, make_user)
    login_as()
    _add_report(client, hint_link(client, repair.location_id, repair.equipment_id))
    for action in ("cancel", "take"):
        response = client.post(f"/repairs/{repair.id}/act/{action}", data={"version": repair.version},
                               headers=PARTIAL)
        assert response.status_code == 404 and SECRET not in response.get_data(True)
    assert db.session.get(RepairRequest, repair.id).status == "submitted"
