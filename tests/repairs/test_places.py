"""Locations and equipment for the office: forms, CSV import, QR labels that open a prefilled request."""
import io
import re

import segno

from app.auth.roles import Role
from app.extensions import db
from app.repairs.models import Equipment, Location
from tests import PARTIAL


def _csv(text: str, encoding="utf-8"):
    return {"file": (io.BytesIO(text.encode(encoding)), "places.csv")}


def test_office_adds_a_location_and_a_duplicate_is_refused(client, login_as):
    login_as(Role.OFFICE)
    data = {"building": "研发楼 R&D", "floor": "3F", "room": "302", "active": "y"}
    assert client.post("/repairs/locations", data=data).status_code == 303
    again = client.post("/repairs/locations", data=data)
    assert again.status_code == 422 and "exists already" in again.get_data(True)
    assert db.session.query(Location).count() == 1


def test_equipment_with_a_used_asset_number_is_refused(client, login_as, make_equipment):
    login_as(Role.ADMIN)
    existing = make_equipment()
    response = client.post("/repairs/equipment", data={"name": "Another", "asset_number": existing.asset_number,
                                                       "location_id": existing.location_id, "category": "it"})
    assert response.status_code == 422 and "already used" in response.get_data(True)


def test_import_locations_from_gbk_csv(client, login_as):
    login_as(Role.OFFICE)
    response = client.post("/repairs/locations/import", content_type="multipart/form-data",
                           data=_csv("building,floor,room\n研发楼,3F,实验室302\n食堂,1F,厨房\n", "gb18030"))
    assert response.status_code == 200 and "2 rows imported" in response.get_data(True)
    assert {loc.building for loc in db.session.query(Location)} == {"研发楼", "食堂"}


def test_an_unreadable_file_is_reported_and_nothing_imported(client, login_as):
    login_as(Role.OFFICE)
    # Neither UTF-8 nor GB18030: reported as unreadable, not imported with replacement characters.
    raw = "building,floor,room\n研发楼,3F,302\n".encode() + b"\xff\xfe\xfd,1F,101\n"
    response = client.post("/repairs/locations/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(raw), "places.csv")})
    assert response.status_code == 422 and "not a readable CSV file" in response.get_data(True)
    assert db.session.query(Location).count() == 0


def test_import_equipment_creates_missing_locations_and_a_bad_row_stops_everything(client, login_as):
    login_as(Role.OFFICE)
    bad = ("name,asset_number,building,floor,room,category\n空调,AC-1,研发楼,3F,302,hvac\n"
           "投影仪,,办公楼,2F,201,it\n")
    response = client.post("/repairs/equipment/import", content_type="multipart/form-data", data=_csv(bad))
    assert response.status_code == 422 and "line 3" in response.get_data(True)
    assert db.session.query(Equipment).count() == 0 and db.session.query(Location).count() == 0
    # A blank line before the bad row: the message still names the line the spreadsheet shows.
    spaced = bad.replace("hvac\n", "hvac\n\n")
    response = client.post("/repairs/equipment/import", content_type="multipart/form-data", data=_csv(spaced))
    assert "line 4" in response.get_data(True)
    good = bad.replace("投影仪,,", "投影仪,IT-1,")
    response = client.post("/repairs/equipment/import", content_type="multipart/form-data", data=_csv(good))
    assert response.status_code == 200
    assert db.session.query(Equipment).count() == 2 and db.session.query(Location).count() == 2


def test_import_needs_the_header_line(client, login_as):
    login_as(Role.OFFICE)
    response = client.post("/repairs/locations/import", content_type="multipart/form-data",
                           data=_csv("a,b\n1,2\n"))
    assert response.status_code == 422 and "must name the columns" in response.get_data(True)


def test_label_sheet_has_one_qr_per_place_and_equipment_with_absolute_links(client, login_as, make_equipment):
    login_as(Role.OFFICE)
    equipment = make_equipment(name="通风柜 Fume hood")
    make_equipment(location=equipment.location, name="离心机 Centrifuge")
    html = client.get(f"/repairs/locations/{equipment.location_id}/labels").get_data(True)
    assert html.count('class="segno"') == 3 and "通风柜 Fume hood" in html and equipment.asset_number in html
    link = f"http://localhost/repairs/new?location={equipment.location_id}&amp;equipment={equipment.id}"
    assert link in html



def _label_addresses(html: str) -> list[str]:
    return re.findall(r'<small class="label-address">([^<]*)</small>', html)


def test_each_label_shows_the_address_its_code_carries_and_warns_while_it_is_not_configured(
        app, client, login_as, make_equipment):
    """Issue 13, item 20: a label printed with the wrong address is caught on the sheet, before it is on a wall."""
    login_as(Role.OFFICE)
    equipment = make_equipment()
    sheet = f"/repairs/locations/{equipment.location_id}/labels"
    app.config["BASE_URL"] = ""
    html = client.get(sheet).get_data(True)
    assert _label_addresses(html) == ["http://localhost"] * 2  # the place's label and the equipment's
    assert "OFFICEHUB_BASE_URL) is not set" in html

    app.config["BASE_URL"] = "https://hub.example.cn"
    html = client.get(sheet).get_data(True)
    assert _label_addresses(html) == ["https://hub.example.cn"] * 2
    assert f"https://hub.example.cn/repairs/new?location={equipment.location_id}" in html
    assert "OFFICEHUB_BASE_URL" not in html

def test_qr_svg_encodes_the_filing_link(client, login_as, make_equipment):
    login_as(Role.MAINTENANCE)
    equipment = make_equipment()
    response = client.get(f"/repairs/qr/equipment/{equipment.id}.svg")
    assert response.mimetype == "image/svg+xml" and response.get_data(True).startswith("<svg")
    expected = segno.make(f"http://localhost/repairs/new?location={equipment.location_id}&equipment={equipment.id}",
                          error="m")
    assert expected.svg_inline(scale=8).split("<path")[1][:200] in response.get_data(True)
    assert client.get(f"/repairs/qr/room/{equipment.id}.svg").status_code == 404


def test_a_retired_location_is_not_offered_for_filing(client, login_as, make_location):
    login_as()
    retired = make_location(building="旧楼 Old building", active=False)
    html = client.get("/repairs/new").get_data(True)
    assert "旧楼 Old building" not in html
    response = client.post("/repairs/new", data={"location_id": retired.id, "category": "other",
                                                 "urgency": "normal", "description": "x"})
    assert response.status_code == 422 and "Choose a location from the list" in response.get_data(True)


def test_location_search_narrows_the_pick(client, login_as, make_location):
    login_as()
    make_location(building="研发楼 R&D")
    make_location(building="食堂 Canteen")
    html = client.get("/repairs/new/locations?q=食堂", headers={"HX-Request": "true"}).get_data(True)
    assert 'id="location-select"' in html and "食堂 Canteen" in html and "研发楼 R&amp;D" not in html


def test_the_locations_and_equipment_pages_share_one_skeleton_each_with_its_own_words(client, login_as,
                                                                                        make_equipment):
    login_as(Role.OFFICE)
    make_equipment(name="通风柜 Fume hood")
    places = client.get("/repairs/locations").get_data(True)
    assert "<h1>Locations</h1>" in places and "Add a location" in places and 'id="location-rows"' in places
    assert 'aria-current="page">Locations</a>' in places
    equipment = client.get("/repairs/equipment").get_data(True)
    assert "<h1>Equipment</h1>" in equipment and "Add equipment" in equipment and "通风柜 Fume hood" in equipment
    assert 'aria-current="page">Equipment</a>' in equipment and 'name="asset_number"' in equipment
    found = client.get("/repairs/equipment?q=Fume", headers=PARTIAL).get_data(True)
    assert found.lstrip().startswith("<section") and 'id="equipment-rows"' in found and "<nav" not in found


def test_the_import_pages_light_up_their_tab(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/repairs/equipment/import").get_data(True)
    assert 'aria-current="page">CSV import</a>' in html and 'aria-current="page">Equipment</a>' in html
    assert 'action="/repairs/equipment/import"' in html
