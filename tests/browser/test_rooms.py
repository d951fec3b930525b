"""Rooms in a real browser at 390×844 (issue 15's "done when"): an employee books room 302 for Thursday 10:00
with a projector from a phone; the invited liaison answers; a second person booking the same slot is refused
with the holder and free alternatives; the technical department's person marks a problem on the equipment
check; the organiser is told."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import check_page, login

ROOM_302 = "302 Small meeting room"


def _thursday() -> date:
    """A Thursday at least two days ahead (the demo's own bookings are on the next three days' mornings)."""
    day = date.today() + timedelta(days=2)
    while day.weekday() != 3:
        day += timedelta(days=1)
    return day + timedelta(days=7)


def _fill_booking(page, title: str, day: date) -> None:
    page.goto("/rooms/new")
    page.get_by_label("Meeting title").fill(title)
    page.get_by_label("Meeting room").select_option(label=f"{ROOM_302} · 行政楼 Admin building · 3F · 8 seats")
    page.locator("#day").fill(day.isoformat())
    page.locator("#starts").fill("10:00")
    page.locator("#ends").fill("11:00")


def test_book_answer_refuse_the_clash_and_report_the_equipment_problem(phone, new_page):
    thursday = _thursday()
    login(phone, "employee")
    phone.goto("/rooms/")
    expect(phone.locator(".room-card", has_text=ROOM_302)).to_be_visible()
    check_page(phone, "rooms-index-phone")
    _fill_booking(phone, "新品评审 New product review", thursday)
    phone.get_by_label("Projector").check()
    phone.get_by_label("People").select_option(label="生产部联络员 Production liaison")
    check_page(phone, "rooms-new-phone")
    phone.get_by_role("button", name="Book", exact=True).click()
    phone.wait_for_url(re.compile(r"/rooms/\d+$"))
    booking_url = phone.url
    expect(phone.locator(".facts")).to_contain_text("Projector")
    expect(phone.get_by_role("main")).to_contain_text("No answer yet")
    check_page(phone, "rooms-booking-organiser-phone")

    liaison = new_page("phone")
    login(liaison, "liaison-prod")
    liaison.goto("/notifications/")
    expect(liaison.get_by_role("main")).to_contain_text("New product review")  # the notice reached them
    liaison.goto("/rooms/mine")
    liaison.get_by_role("link", name="新品评审 New product review").click()
    liaison.get_by_label("Will attend").check()
    liaison.get_by_role("button", name="Send my answer").click()
    expect(liaison.locator("#my-answer")).to_contain_text("Will attend")
    check_page(liaison, "rooms-booking-attendee-phone")

    other = new_page("phone")
    login(other, "reception")
    _fill_booking(other, "面试 Interview", thursday)
    other.get_by_role("button", name="Book", exact=True).click()
    taken = other.locator("#taken")
    expect(taken).to_contain_text("is already booked")
    expect(taken).to_contain_text("陈员工 Chen (Employee)")
    expect(taken.get_by_role("link").first).to_be_visible()  # a free room of similar size to pick instead
    expect(other.get_by_label("Meeting title")).to_have_value("面试 Interview")
    check_page(other, "rooms-new-taken-phone")

    technician = new_page("phone")
    login(technician, "liaison-tech")
    technician.goto("/rooms/checks")
    technician.locator("li.row-card", has_text="New product review").get_by_role("link").click()
    check_page(technician, "rooms-check-phone")
    technician.get_by_label("What is wrong").fill("投影仪无信号 no signal from the projector")
    technician.get_by_role("button", name="Problem: tell the organiser and the office").click()
    expect(technician.get_by_role("main")).to_contain_text("Problem found")
    expect(technician.get_by_role("button", name="Report as a repair")).to_be_visible()

    phone.goto("/notifications/")
    expect(phone.get_by_role("main")).to_contain_text("no signal from the projector")
    phone.goto(booking_url)
    expect(phone.locator(".facts")).to_contain_text("Problem found")
    expect(phone.get_by_role("main")).to_contain_text("Will attend")


def test_bad_input_is_explained_and_the_text_kept(phone):
    login(phone, "employee")
    _fill_booking(phone, "写错时间 wrong times", _thursday() + timedelta(days=7))
    phone.locator("#starts").fill("11:00")
    phone.locator("#ends").fill("10:00")
    phone.get_by_role("button", name="Book", exact=True).click()
    expect(phone.locator(".field-error").first).to_contain_text("The end must be after the start.")
    expect(phone.get_by_label("Meeting title")).to_have_value("写错时间 wrong times")
    check_page(phone, "rooms-new-error-phone")


def test_office_pages_fit_a_phone(phone):
    login(phone, "office")
    for path, name in [("/rooms/?view=week", "rooms-week"), ("/rooms/manage", "rooms-manage"),
                       ("/rooms/approvals", "rooms-approvals"), ("/rooms/checks", "rooms-checks-office"),
                       ("/rooms/mine", "rooms-mine"), ("/", "home-office-rooms-card")]:
        phone.goto(path)
        check_page(phone, f"{name}-phone")


def test_liaisons_answer_the_meeting_notice_and_the_office_moves_the_meeting(phone, new_page):
    from tests.browser.test_meetings import open_new_meeting
    office = new_page("phone")
    url = open_new_meeting(office)
    login(phone, "liaison-rd")  # R&D: Chen (Employee) is a colleague who can go instead
    phone.goto("/notifications/")
    expect(phone.get_by_role("main")).to_contain_text("Liaison meeting on")  # the notice reached the liaison
    phone.goto(url)
    phone.locator("summary", has_text="Answer the notice").click()
    phone.get_by_label("Sends a substitute").check()
    phone.get_by_label("Who goes instead of you").select_option(label="陈员工 Chen (Employee)")
    check_page(phone, "meetings-answer-phone")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator("#flash")).to_contain_text("Your answer is sent.")

    office.goto(url.rstrip("/") + "/reschedule")
    expect(office.get_by_role("main")).to_contain_text("陈员工 Chen (Employee)")
    office.get_by_label("Place").fill("302 小会议室")
    check_page(office, "meetings-reschedule-phone")
    office.get_by_role("button", name="Move and tell every liaison").click()
    expect(office.locator("#flash")).to_contain_text("every liaison is told")
    phone.goto("/notifications/")
    expect(phone.get_by_role("main")).to_contain_text("302 小会议室")


def test_the_meeting_form_refuses_a_held_room_naming_the_holder_and_free_rooms(phone, new_page):
    """The liaison meeting books a shared room: a room held at that time is the room field's error, at 390 px."""
    day = _thursday() + timedelta(days=14)
    login(phone, "employee")
    _fill_booking(phone, "占用 Holding the room", day)
    phone.get_by_role("button", name="Book", exact=True).click()
    expect(phone.locator("#flash")).to_contain_text("is booked")
    office = new_page("phone")
    login(office, "office")
    office.goto("/meetings/new")
    office.locator("#day").fill(day.isoformat())
    office.locator("#time").fill("10:00")
    office.get_by_label("Meeting room").select_option(label=f"{ROOM_302} · 行政楼 Admin building · 3F · 8 seats")
    office.get_by_role("button", name="Schedule").click()
    error = office.locator(".field-error").first
    expect(error).to_contain_text("陈员工 Chen (Employee)")
    expect(error).to_contain_text("Free at that time:")
    check_page(office, "meetings-room-clash-phone")
