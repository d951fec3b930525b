"""Cross-department requests in a real browser at 390×844: an employee files a 检测报告申请 from a phone,
Quality's handler (the demo liaison) finds it in the inbox, takes it and completes it with an answer, the
requester confirms, and the office's card shows Quality's on-time share; bad input is explained, text kept."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, login


def _pick_test_report(page) -> None:
    page.goto("/requests/new")
    page.select_option("#type_id", label="Test report request")
    page.get_by_role("button", name="Show its form").click()
    expect(page.locator("#request-form")).to_contain_text("1 working day")


def test_file_answer_confirm_and_the_office_card(phone, new_page):
    login(phone, "employee")
    _pick_test_report(phone)
    phone.fill("#text", "客户要XR-300的检测报告 customer needs the XR-300 report")
    phone.fill("#extra_0", "XR-300")
    check_page(phone, "requests-new-phone")
    phone.click("#request-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/requests/\d+$"))
    request_url = phone.url
    expect(phone.locator(".facts")).to_contain_text("XR-300")
    check_page(phone, "requests-detail-requester-phone")

    quality = new_page("phone")
    login(quality, "liaison-qa")
    quality.goto("/requests/inbox")
    row = quality.locator("li.row-card", has_text="customer needs the XR-300 report")
    expect(row).to_be_visible()
    check_page(quality, "requests-inbox-phone")
    row.get_by_role("link").first.click()
    quality.get_by_role("button", name="Take it").click()
    quality.get_by_label("Complete with an answer: your words").fill("报告已发送 sent to your mail")
    check_page(quality, "requests-detail-handler-phone")
    quality.locator("form.action-complete button").click()
    expect(quality.locator(".page-head .badge-done")).to_be_visible()

    phone.goto(request_url)
    expect(phone.locator(".facts")).to_contain_text("sent to your mail")
    phone.get_by_role("button", name="Confirm it is done").click()
    expect(phone.locator(".page-head .badge-confirmed")).to_be_visible()

    office = new_page("phone")
    login(office, "office")
    office.goto("/")
    # Quality in the demo data: one test report answered on time, one late, one never answered (and one
    # handed over a moment ago, its clock still running); this one answered at once makes 2 of 4.
    expect(office.locator(".requests-office-card")).to_contain_text("Quality: 50%")
    office.goto("/requests/office")
    check_page(office, "requests-office-phone")


def test_bad_input_is_explained_and_the_text_kept(phone):
    login(phone, "employee")
    _pick_test_report(phone)
    phone.fill("#text", "我写了这些 what I typed")
    phone.fill("#extra_2", "")
    phone.click("#request-form button[type=submit]")
    expect(phone.locator("#extra_0-error")).to_contain_text("This field is required.")
    expect(phone.locator("#text")).to_have_value("我写了这些 what I typed")
    check_page(phone, "requests-new-errors-phone")


def _noise_jpeg(width: int, height: int) -> bytes:
    """A photo as big as a phone's: noise does not compress, so this is many megabytes."""
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, "JPEG", quality=98)
    return buffer.getvalue()


@pytest.mark.timeout(300)  # three 12-megapixel photos made and shrunk in the browser: slow on a loaded machine
def test_three_big_phone_photos_are_shrunk_before_the_upload(phone):
    """Three phone photos of several MB each would be a body over the server's limit (its 413 page loses the
    form); static/photos.js shrinks them first, and the request is filed with all three."""
    login(phone, "employee")
    _pick_test_report(phone)
    phone.fill("#text", "三张现场照片 three photos of the label")
    phone.fill("#extra_0", "XR-400")
    big = _noise_jpeg(4000, 3000)
    assert len(big) > 12 * 1024 * 1024  # three: a body over the server's 30 MB
    photos = [{"name": f"IMG_000{n}.jpg", "mimeType": "image/jpeg", "buffer": big} for n in (1, 2, 3)]
    phone.set_input_files("#files", files=photos)
    phone.wait_for_function("() => { const files = document.querySelector('#files').files;"
                            " return files.length === 3 && [...files].every(f => f.size < 2000000); }")
    expect(phone.locator("#files-error")).to_have_count(0)
    phone.click("#request-form button[type=submit]")
    phone.wait_for_url(re.compile(r"/requests/\d+$"))
    expect(phone.locator("article a[href*='/requests/files/']")).to_have_count(3)
    # A fourth file is refused in the browser, before any upload, with the form kept.
    _pick_test_report(phone)
    phone.fill("#text", "四个文件 four files")
    small = {"name": "label.jpg", "mimeType": "image/jpeg", "buffer": _noise_jpeg(40, 30)}
    phone.set_input_files("#files", files=[small] * 4)
    expect(phone.locator("#files-error")).to_contain_text("Attach at most 3 files.")
    expect(phone.locator("#text")).to_have_value("四个文件 four files")
    check_page(phone, "requests-new-files-refused-phone")
