"""Repairs in a real browser at 390×844: scan a QR label, file with a photo, maintenance takes and
completes it from the queue, the requester confirms; bad input is explained and the text kept."""
import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import check_page, login

# The demo seeder's first location and equipment: R&D building lab 302 and its air conditioner.
QR_LINK = "/repairs/new?location=1&equipment=1"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_scan_file_take_complete_confirm(phone, new_page):
    login(phone, "employee")
    phone.goto(QR_LINK)
    expect(phone.locator("#location_id")).to_have_value("1")
    expect(phone.locator("#equipment_id")).to_have_value("1")
    expect(phone.locator("#category")).to_have_value("hvac")
    phone.fill("#description", "实验室空调不制冷 🥵 the lab AC blows warm air")
    phone.set_input_files("#photos", files=[{"name": "fault.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    check_page(phone, "repairs-new-phone")
    phone.click("#repair-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/repairs/\d+$"))
    repair_url = phone.url
    expect(phone.locator(".photo-grid img")).to_have_count(1)
    check_page(phone, "repairs-detail-requester-phone")

    maint = new_page("phone")
    login(maint, "maint")
    maint.goto("/repairs/queue")
    row = maint.locator("li.row-card", has_text="the lab AC blows warm air")
    # The row shows the photo's thumbnail, served to maintenance through the access-checked route.
    thumb = row.locator("img.row-thumb")
    expect(thumb).to_be_visible()
    maint.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    row.get_by_role("button", name="Take it").click()
    row = maint.locator("li.row-card", has_text="the lab AC blows warm air")
    row.get_by_role("button", name="Start work").click()
    expect(maint.locator("li.row-card", has_text="the lab AC blows warm air")).to_contain_text("In progress")
    maint.goto(repair_url)
    expect(maint.get_by_role("button", name="Wait")).to_be_visible()
    check_page(maint, "repairs-detail-maintenance-phone")
    maint.goto("/repairs/queue")
    row = maint.locator("li.row-card", has_text="the lab AC blows warm air")
    row.get_by_label("What was done").fill("清洗滤网 cleaned the filter")
    check_page(maint, "repairs-queue-phone")
    row.get_by_role("button", name="Complete").click()
    expect(maint.locator("li.row-card", has_text="the lab AC blows warm air")).to_contain_text("Done")

    phone.goto(repair_url)
    expect(phone.locator(".facts")).to_contain_text("cleaned the filter")
    phone.get_by_role("button", name="Confirm it is fixed").click()
    expect(phone.locator(".page-head .badge-confirmed")).to_be_visible()
    expect(phone.locator(".timeline")).to_contain_text("Confirmed fixed")


def test_picking_equipment_fills_in_the_kind_of_fault_but_not_over_a_chosen_one(phone):
    login(phone, "employee")
    phone.goto("/repairs/new?location=1")
    expect(phone.locator("#category")).to_have_value("other")
    phone.select_option("#equipment_id", label="通风柜 Fume hood (LAB-302-02)")
    expect(phone.locator("#category")).to_have_value("lab")
    with phone.expect_response(re.compile(r"/repairs/new/place")):
        phone.select_option("#category", "electrical")
    with phone.expect_response(re.compile(r"/repairs/new/place")):
        phone.select_option("#equipment_id", label="实验室空调 Lab air conditioner (AC-302-01)")
    phone.wait_for_timeout(300)  # let the swap land before checking nothing replaced the person's choice
    expect(phone.locator("#category")).to_have_value("electrical")


def test_the_open_queue_offers_a_request_filed_meanwhile(phone, new_page):
    maint = new_page("phone")
    maint.clock.install()  # the queue polls every 20 s; the test moves the page's clock instead of waiting
    login(maint, "maint")
    maint.goto("/repairs/queue")
    login(phone, "employee")
    phone.goto(QR_LINK)
    phone.fill("#description", "空调滴水 the lab AC is dripping")
    phone.click("#repair-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/repairs/\d+$"))
    expect(maint.locator("li.row-card", has_text="the lab AC is dripping")).to_have_count(0)
    maint.clock.run_for(21_000)
    expect(maint.locator("#queue-news")).to_contain_text("Someone else changed the queue")
    check_page(maint, "repairs-queue-news-phone")
    maint.get_by_role("button", name="Show the new list").click()
    expect(maint.locator("li.row-card", has_text="the lab AC is dripping")).to_have_count(1)
    expect(maint.locator("#queue-news")).to_be_empty()


def test_wrong_file_and_unknown_qr_location_are_explained(phone):
    login(phone, "employee")
    phone.goto("/repairs/new?location=987654")
    expect(phone.locator("#flash")).to_contain_text("location we do not know")
    phone.goto("/repairs/new?location=3")
    phone.fill("#description", "食堂的灯不亮 canteen light is off")
    # Refused before the upload, so the form and its text stay instead of a "too large" error page.
    # Not drawable, so static/photos.js cannot shrink it and app.js refuses it as it is.
    huge = {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\0" * (26 * 1024 * 1024)}
    phone.set_input_files("#photos", files=[huge])
    expect(phone.locator("#photos-error")).to_contain_text("larger than 25 MB")
    assert phone.eval_on_selector("#photos", "input => input.files.length") == 0
    small = {"name": "fault.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    phone.set_input_files("#photos", files=[small] * 4)
    expect(phone.locator("#photos-error")).to_contain_text("at most 3 photos")
    phone.set_input_files("#photos", files=[small])
    expect(phone.locator("#photos-error")).to_have_count(0)
    # The field no longer points a screen reader at the error it took away.
    assert phone.get_attribute("#photos", "aria-describedby") in (None, "photos-help")
    assert phone.get_attribute("#photos", "aria-invalid") is None
    phone.set_input_files("#photos", files=[{"name": "notes.jpg", "mimeType": "image/jpeg",
                                             "buffer": b"this is a text file, not a photo"}])
    phone.click("#repair-form button[type=submit]")
    expect(phone.locator(".field-error")).to_contain_text("not a photo we can read")
    expect(phone.locator("#description")).to_have_value("食堂的灯不亮 canteen light is off")
    check_page(phone, "repairs-new-error-phone")
    # Choosing another file answers the server's complaint about the one it refused.
    phone.set_input_files("#photos", files=[small])
    expect(phone.locator("#photos-error")).to_have_count(0)
    check_page(phone, "repairs-new-error-cleared-phone")


def test_office_pages_fit_a_phone_and_a_desktop(phone, desktop):
    login(phone, "office")
    for path, name in [("/repairs/board", "board"), ("/repairs/roster", "roster"),
                       ("/repairs/locations/1/labels", "labels"), ("/repairs/equipment/3", "equipment")]:
        phone.goto(path)
        check_page(phone, f"repairs-{name}-phone")
    login(desktop, "office")
    desktop.goto("/repairs/new?location=2")
    desktop.fill("#description", "投影仪没有信号 projector: no signal")
    desktop.click("#repair-form button[type=submit]")
    desktop.wait_for_url(re.compile(r"/repairs/\d+$"))
    expect(desktop.get_by_role("button", name="Dispatch")).to_be_visible()
    check_page(desktop, "repairs-detail-office-desktop")
    desktop.goto("/repairs/board")
    expect(desktop.locator(".board-column")).to_have_count(5)
    check_page(desktop, "repairs-board-desktop")


def test_a_colleague_adds_a_report_from_the_hint_and_sees_only_their_own(phone, new_page):
    login(phone, "employee")
    phone.goto("/repairs/new?location=4")  # the canteen kitchen
    phone.select_option("#category", "plumbing")
    phone.fill("#description", "水槽堵了，陈师傅的私事 the sink is blocked, private detail")
    phone.click("#repair-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/repairs/\d+$"))
    number = phone.url.rsplit("/", 1)[1]

    colleague = new_page("phone")
    login(colleague, "liaison-rd")
    colleague.goto("/repairs/new?location=4")
    with colleague.expect_response(re.compile(r"/repairs/new/place")):
        colleague.select_option("#category", "plumbing")
    hint = colleague.locator("#duplicate-hint")
    expect(hint).to_contain_text(f"#{number}")
    hint.get_by_role("button", name="Add my report to it").click()
    colleague.wait_for_url(re.compile(rf"/repairs/{number}/report\?hint="))
    expect(colleague.locator("main")).not_to_contain_text("private detail")
    check_page(colleague, "repairs-add-report-phone")
    colleague.fill("#description", "洗碗池也堵了 the dish sink too")
    colleague.set_input_files("#photos", files=[{"name": "sink.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    colleague.get_by_role("button", name="Add my report").click()
    colleague.wait_for_url(re.compile(rf"/repairs/{number}$"))
    expect(colleague.locator("#my-report")).to_contain_text("the dish sink too")
    expect(colleague.locator("#my-report img")).to_have_count(1)
    expect(colleague.locator("main")).not_to_contain_text("private detail")
    expect(colleague.locator("main")).not_to_contain_text("Chen (Employee)")
    check_page(colleague, "repairs-joined-phone")

    # A number typed by hand finds nothing, even for a request that is open.
    assert colleague.goto(f"/repairs/{number}/report").status == 404
