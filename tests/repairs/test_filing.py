"""Filing from a phone: QR prefill, photos real and fake, bad input, duplicates, who gets alerted."""
import io
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.repairs import roster
from app.repairs.models import DutyShift, RepairEvent, RepairPhoto, RepairRequest
from app.uploads import MAX_MB, StoredPhoto
from tests import PARTIAL
from tests.repairs.conftest import hint_link, photo_bytes


def _post(client, equipment, **fields):
    data = {"location_id": equipment.location_id, "equipment_id": equipment.id, "category": "hvac",
            "urgency": "normal", "description": "实验室空调不制冷 🥵 AC blows warm air", **fields}
    return client.post("/repairs/new", data=data, content_type="multipart/form-data")


def _uploads(app) -> list:
    """The JPEG bytes of every stored repair photo (full size and thumbnails)."""
    return [row.data for row in db.session.scalars(select(StoredPhoto).where(StoredPhoto.kind == "repairs"))]


def test_qr_link_prefills_location_equipment_and_category(client, login_as, make_equipment):
    equipment = make_equipment(category="lab")
    login_as()
    html = client.get(f"/repairs/new?location={equipment.location_id}&equipment={equipment.id}").get_data(True)
    assert f'<option selected value="{equipment.location_id}">' in html
    assert f'<option selected value="{equipment.id}">' in html
    assert '<option selected value="lab">' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html


def test_unknown_location_in_qr_link_is_said_plainly(client, login_as):
    login_as()
    response = client.get("/repairs/new?location=99999&equipment=5")
    assert response.status_code == 200
    assert "points to a location we do not know" in response.get_data(True)


def test_file_with_a_real_photo_strips_exif_and_serves_it_only_to_permitted_people(
        app, client, login_as, make_user, make_equipment):
    equipment = make_equipment()
    requester = login_as()
    response = _post(client, equipment, photos=[(photo_bytes(exif=True), "IMG_0001.jpg")])
    assert response.status_code == 303
    repair = db.session.query(RepairRequest).one()
    assert repair.requester_id == requester.id and repair.description.endswith("warm air")
    photo = repair.photos[0]
    stored = Image.open(io.BytesIO(_uploads(app)[0]))
    assert not stored.getexif()
    assert client.get(f"/repairs/photos/{photo.id}").status_code == 200
    assert client.get(f"/repairs/photos/{photo.id}?thumb=1").mimetype == "image/jpeg"
    client.post("/logout")
    stranger = make_user()
    client.post("/login", data={"login": stranger.login, "password": "correct horse battery"})
    assert client.get(f"/repairs/photos/{photo.id}").status_code == 404
    assert client.get(f"/repairs/{repair.id}").status_code == 404


def test_png_and_webp_are_accepted(client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    response = _post(client, equipment, photos=[(photo_bytes("PNG"), "a.png"), (photo_bytes("WEBP"), "b.webp")])
    assert response.status_code == 303
    assert db.session.query(RepairPhoto).count() == 2


def test_a_fake_photo_is_refused_and_the_text_is_kept(app, client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    fake = io.BytesIO(b"MZ\x90\x00 this is really a program, not a photo")
    response = _post(client, equipment, photos=[(photo_bytes(), "ok.jpg"), (fake, "evil.jpg")])
    assert response.status_code == 422
    html = response.get_data(True)
    assert "not a photo we can read" in html and "实验室空调不制冷 🥵" in html
    assert db.session.query(RepairRequest).count() == 0 and _uploads(app) == []


def test_an_oversize_photo_gets_a_clear_message_and_keeps_the_text(app, client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    big = io.BytesIO(b"\xff\xd8\xff" + b"0" * (25 * 1024 * 1024))
    response = _post(client, equipment, phone="138 0000 0000", photos=[(big, "big.jpg")])
    assert response.status_code == 422
    html = response.get_data(True)
    assert "larger than 25 MB" in html and "实验室空调不制冷" in html and "138 0000 0000" in html
    assert db.session.query(RepairRequest).count() == 0


def test_more_than_three_photos_are_refused(client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    response = _post(client, equipment, photos=[(photo_bytes(), f"{n}.jpg") for n in range(4)])
    assert response.status_code == 422 and "at most 3 photos" in response.get_data(True)


def test_equipment_from_another_location_and_a_long_text_are_refused(client, login_as, make_equipment):
    equipment, elsewhere = make_equipment(), make_equipment()
    login_as()
    response = _post(client, equipment, equipment_id=elsewhere.id)
    assert response.status_code == 422 and "not at the chosen location" in response.get_data(True)
    response = _post(client, equipment, description="长" * 2001)
    assert response.status_code == 422
    assert db.session.query(RepairRequest).count() == 0


def test_a_resent_form_files_one_request(client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    first = _post(client, equipment, token="same-token-123")
    again = _post(client, equipment, token="same-token-123")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.query(RepairRequest).count() == 1
    # The request is announced once, not once per tap.
    assert client.get(again.headers["Location"]).get_data(True).count("is filed") == 1


def test_the_filing_form_carries_its_own_one_time_token(client, login_as):
    login_as()
    first, second = (client.get("/repairs/new").get_data(True) for _ in range(2))
    tokens = [html.split('name="token" type="hidden" value="')[1].split('"')[0] for html in (first, second)]
    assert all(len(t) > 20 for t in tokens) and tokens[0] != tokens[1]


def test_emergency_alerts_every_maintenance_and_office_user(client, login_as, make_user, make_equipment):
    equipment = make_equipment()
    people = [make_user(Role.MAINTENANCE), make_user(Role.MAINTENANCE), make_user(Role.OFFICE)]
    bystander = make_user()
    login_as()
    _post(client, equipment, urgency="emergency")
    for person in people:
        note = db.session.query(Notification).filter_by(user_id=person.id).one()
        assert note.message.startswith("EMERGENCY")
    assert db.session.query(Notification).filter_by(user_id=bystander.id).count() == 0


def test_after_hours_goes_first_to_the_person_on_duty(app, client, login_as, make_user, make_equipment,
                                                       monkeypatch):
    equipment = make_equipment()
    on_duty, off_duty = make_user(Role.MAINTENANCE), make_user(Role.MAINTENANCE)
    night = datetime(2026, 11, 20, 14, 0)  # 22:00 in Shanghai, Friday night
    monkeypatch.setattr("app.repairs.services.utcnow", lambda: night)
    day, shift = roster.shift_at(night)
    db.session.add(DutyShift(day=day, shift=shift, user_id=on_duty.id))
    db.session.commit()
    login_as()
    _post(client, equipment)
    assert "You are on duty" in db.session.query(Notification).filter_by(user_id=on_duty.id).one().message
    assert db.session.query(Notification).filter_by(user_id=off_duty.id).count() == 0


def test_duplicate_hint_for_same_equipment_and_for_same_location_and_category(
        client, login_as, make_equipment, make_repair):
    equipment = make_equipment()
    open_one = make_repair(equipment=equipment, status="in_progress")
    login_as()
    html = client.get(f"/repairs/new?location={equipment.location_id}&equipment={equipment.id}").get_data(True)
    assert "Add my report to it" in html and f"/repairs/{open_one.id}/report?hint=" in html
    fragment = client.get(f"/repairs/new/place?location_id={equipment.location_id}&category=hvac",
                          headers=PARTIAL).get_data(True)
    assert 'id="place-parts"' in fragment and "mainnav" not in fragment and "Add my report to it" in fragment
    other = client.get(f"/repairs/new/place?location_id={equipment.location_id}&category=plumbing").get_data(True)
    assert "Add my report to it" not in other


def test_no_hint_once_the_request_is_done_or_closed(client, login_as, make_equipment, make_repair):
    equipment = make_equipment()
    make_repair(equipment=equipment, status="confirmed")
    login_as()
    html = client.get(f"/repairs/new/place?location_id={equipment.location_id}&equipment_id={equipment.id}")
    assert "Add my report to it" not in html.get_data(True)


def test_add_my_report_joins_the_open_request_and_shows_in_my_list(client, login_as, make_equipment,
                                                                    make_repair):
    equipment = make_equipment()
    repair = make_repair(equipment=equipment)
    reporter = login_as()
    response = client.post(hint_link(client, equipment.location_id, equipment.id), content_type="multipart/form-data",
                           data={"description": "也在漏水 also leaking", "photos": [(photo_bytes(), "x.jpg")]})
    assert response.status_code == 303
    event = db.session.query(RepairEvent).filter_by(kind="report").one()
    assert event.actor_id == reporter.id and len(db.session.get(RepairRequest, repair.id).photos) == 1
    assert f"#{repair.id}" in client.get("/repairs/").get_data(True)
    assert client.get(f"/repairs/{repair.id}").status_code == 200
    assert db.session.query(Notification).filter_by(user_id=repair.requester_id).count() == 1


def test_filing_with_csrf_on_needs_the_token(app, client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    app.config["WTF_CSRF_ENABLED"] = True
    response = _post(client, equipment)
    assert response.status_code == 400
    assert db.session.query(RepairRequest).count() == 0
    html = client.get("/repairs/new").get_data(True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert _post(client, equipment, csrf_token=token).status_code == 303


def test_clocks_are_set_from_urgency(client, login_as, make_equipment):
    equipment = make_equipment()
    login_as()
    _post(client, equipment, urgency="emergency")
    repair = db.session.query(RepairRequest).one()
    assert repair.response_due - repair.created_at == timedelta(minutes=30)
    assert repair.fix_due - repair.created_at == timedelta(hours=4)


PICKED_EQUIPMENT = {**PARTIAL, "HX-Source": "select#equipment_id"}


def test_picking_equipment_sets_the_kind_of_fault_while_it_is_still_the_default(client, login_as, make_equipment):
    equipment = make_equipment(category="lab")
    login_as()
    base = f"/repairs/new/place?location_id={equipment.location_id}&equipment_id={equipment.id}"
    html = client.get(f"{base}&category=other", headers=PICKED_EQUIPMENT).get_data(True)
    assert '<hx-partial hx-target="#category-field"' in html and '<option selected value="lab">' in html
    assert 'id="place-parts"' in html and "mainnav" not in html


def test_picking_equipment_keeps_a_kind_of_fault_the_person_chose(client, login_as, make_equipment):
    equipment = make_equipment(category="lab")
    login_as()
    base = f"/repairs/new/place?location_id={equipment.location_id}&equipment_id={equipment.id}"
    assert "hx-partial" not in client.get(f"{base}&category=plumbing", headers=PICKED_EQUIPMENT).get_data(True)
    # Choosing "Other" by hand after the equipment is the person's choice too.
    chose_kind = {**PICKED_EQUIPMENT, "HX-Source": "select#category"}
    assert "hx-partial" not in client.get(f"{base}&category=other", headers=chose_kind).get_data(True)


def test_the_kind_set_from_equipment_finds_the_open_request_for_it(client, login_as, make_location, make_equipment,
                                                                    make_repair):
    place = make_location()
    projector, lamp = make_equipment(location=place, category="it"), make_equipment(location=place, category="it")
    open_one = make_repair(location=place, equipment=lamp, category="it")
    login_as()
    html = client.get(f"/repairs/new/place?location_id={place.id}&equipment_id={projector.id}&category=other",
                      headers=PICKED_EQUIPMENT).get_data(True)
    assert f"/repairs/{open_one.id}/report" in html


def test_a_label_printed_before_the_equipment_moved_opens_its_current_location(client, login_as, make_location,
                                                                                make_equipment):
    old_room, new_room = make_location(room="旧 old 101"), make_location(room="新 new 202")
    equipment = make_equipment(location=old_room, category="lab")
    equipment.location = new_room
    db.session.commit()
    login_as()
    html = client.get(f"/repairs/new?location={old_room.id}&equipment={equipment.id}").get_data(True)
    assert f'<option selected value="{new_room.id}">' in html
    assert f'<option selected value="{equipment.id}">' in html and '<option selected value="lab">' in html
    assert "do not know" not in html


def test_unknown_equipment_in_a_qr_link_is_said_plainly_and_the_location_kept(client, login_as, make_location):
    place = make_location()
    login_as()
    html = client.get(f"/repairs/new?location={place.id}&equipment=99999").get_data(True)
    assert "points to equipment we do not know" in html and f'<option selected value="{place.id}">' in html


def test_a_pixel_bomb_gets_the_field_message_without_decoding(app, client, login_as, make_equipment):
    """A 79-megapixel PNG of a few hundred KB is refused from its header: 422, the text kept, and the
    worker's peak memory does not grow by the gigabyte decoding it would take."""
    import resource
    equipment = make_equipment()
    login_as()
    bomb = io.BytesIO()
    Image.new("1", (8900, 8900)).save(bomb, "PNG", optimize=True)
    bomb.seek(0)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = _post(client, equipment, photos=[(bomb, "bomb.png")])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert response.status_code == 422
    html = response.get_data(True)
    assert "more than 40 megapixels" in html and "实验室空调不制冷 🥵" in html
    assert grown_mb < 100, f"the worker grew by {grown_mb:.0f} MB"


def test_the_photo_help_names_the_limit_the_server_applies(client, login_as):
    login_as()
    html = client.get("/repairs/new").get_data(True)
    assert f"Up to 3 photos (JPEG, PNG, WebP or HEIC), at most {MAX_MB} MB each." in html
    assert "8 MB" not in html
