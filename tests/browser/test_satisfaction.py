"""Ratings and the monthly report in a real browser at 390×844: the demo employee confirms the repair done for
them and rates it with the 1–5 tiles (a rating without a score is explained, the comment kept); the office
reads the monthly report on a phone."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import check_page, login

DONE = "The projector's remote does not work"


def test_confirm_and_rate_a_repair_on_a_phone(phone):
    login(phone, "employee")
    phone.goto("/repairs/")
    phone.locator("li.row-card", has_text=DONE).get_by_role("link").first.click()
    phone.get_by_role("button", name="Confirm it is fixed").click()
    expect(phone.locator(".page-head .badge-confirmed")).to_be_visible()
    box = phone.locator(".rating-box")
    expect(box).to_contain_text("Rate the repair")
    check_page(phone, "satisfaction-rate-repair-phone")

    box.get_by_label("Comment (optional)").fill("很快 quick and tidy")
    box.get_by_role("button", name="Send the rating").click()
    expect(phone.locator("#score-error")).to_contain_text("required")
    expect(phone.get_by_label("Comment (optional)")).to_have_value("很快 quick and tidy")
    check_page(phone, "satisfaction-rate-errors-phone")

    phone.locator("label.rating-option", has_text="4").click()
    phone.get_by_role("button", name="Send the rating").click()
    phone.wait_for_url(re.compile(r"/repairs/\d+$"))
    expect(phone.locator(".rating-box")).to_contain_text("(4/5)")
    expect(phone.locator(".rating-box")).to_contain_text("quick and tidy")


def test_the_monthly_report_on_a_phone(phone, desktop):
    login(phone, "office")
    phone.goto("/reports/monthly")
    expect(phone.locator("h1")).to_have_text("Monthly report")
    expect(phone.locator("#report-repairs")).to_be_visible()
    check_page(phone, "reports-monthly-phone")
    phone.fill("#month", "2026-13")
    phone.get_by_role("button", name="Show the month").click()
    expect(phone.locator("#month-error")).to_contain_text("like 2026-11")
    expect(phone.locator("#month")).to_have_value("2026-13")
    login(desktop, "leader")
    desktop.goto("/reports/monthly")
    check_page(desktop, "reports-monthly-desktop")


def test_answer_the_survey_on_a_phone_and_the_office_reads_the_trend(phone, new_page):
    login(phone, "employee")
    phone.goto("/satisfaction/surveys/2/answer")
    expect(phone.locator("h1")).to_contain_text("This quarter")
    phone.get_by_label("Anything else you want the office to know? (optional)").fill("食堂很好 canteen is fine")
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.locator(".field-error").first).to_contain_text("required")
    expect(phone.get_by_label("Anything else you want the office to know? (optional)")).to_have_value(
        "食堂很好 canteen is fine")
    check_page(phone, "satisfaction-survey-errors-phone")
    for group in phone.locator("fieldset.rating-scale").all():
        group.locator("label.rating-option", has_text="4").click()
    check_page(phone, "satisfaction-survey-answer-phone")
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.locator("main")).to_contain_text("Thank you: your answer is counted.")

    office = new_page("phone")
    login(office, "office")
    office.goto("/satisfaction/surveys")
    expect(office.locator("svg[role=img]")).to_be_visible()
    check_page(office, "satisfaction-surveys-phone")
    office.goto("/satisfaction/surveys/1")
    expect(office.locator(".survey-index")).to_contain_text("/100")
    check_page(office, "satisfaction-survey-result-phone")
