"""On a phone: an employee files a named and an anonymous suggestion, the office answers both, the
employee reads the answer under "mine" and the anonymous author on the tracking page; "me too"
counts once per person."""
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, PHONE, check_page, login
from tests.suggestions.photos import jpeg_bytes


def _file(page, title: str, anonymous: bool) -> None:
    page.goto("/suggestions/new")
    page.select_option("#category_id", label="Canteen and meals")
    page.fill("#title", title)
    page.fill("#details", "晚班结束后食堂已经关门 🍜")
    expect(page.locator("#details-count")).to_have_text(re.compile(r"^\d+ / 2000$"))
    if anonymous:
        page.check("#anonymous")
    else:
        page.set_input_files("#photo", files=[{"name": "canteen.jpg", "mimeType": "image/jpeg",
                                                "buffer": jpeg_bytes()}])
    page.click("form.suggestion-form button[type=submit]")


def _answer(office, title: str, status: str, text: str) -> None:
    office.goto("/suggestions/triage")
    office.fill("input[name=q]", title)
    expect(office.locator("#suggestion-rows .row-card")).to_have_count(1)
    expect(office).to_have_url(re.compile(r"[?&]q="))  # the filtered list is swapped in and its URL pushed
    office.click(f"#suggestion-rows a:has-text('{title}')")
    expect(office.locator("h1")).to_have_text(title)
    office.select_option("#status_to", status)
    office.fill("#body", text)
    office.click("#answer-form button[value=publish]")
    expect(office.locator("#flash")).to_contain_text("The answer is published.")


def test_file_named_and_anonymous_office_answers_both(phone, new_page):
    tag = uuid.uuid4().hex[:6]
    named, hidden = f"晚餐时间 {tag}", f"匿名夜宵 {tag}"
    login(phone, "employee")
    _file(phone, named, anonymous=False)
    expect(phone.locator("h1")).to_have_text(named)
    check_page(phone, "suggestions-detail-phone")
    _file(phone, hidden, anonymous=True)
    code = phone.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    check_page(phone, "suggestions-tracking-code-phone")

    office = new_page("phone")
    login(office, "office")
    _answer(office, named, "resolved", "食堂晚餐延长到 20:30。")
    check_page(office, "suggestions-triage-detail-phone")
    _answer(office, hidden, "declined", "原因：夜宵涉及消防规定，暂不提供。")

    phone.goto("/suggestions/")
    row = phone.locator("#mine-rows .row-card", has_text=named)
    expect(row).to_contain_text("食堂晚餐延长到 20:30。")
    expect(row).to_contain_text("Resolved")
    check_page(phone, "suggestions-mine-phone")

    stranger = new_page("phone")
    stranger.goto("/suggestions/track")
    stranger.fill("#code", code.lower())
    stranger.click("form[action$='/suggestions/track'] button[type=submit]")
    expect(stranger.locator("h1")).to_have_text(hidden)
    expect(stranger.locator("#thread")).to_contain_text("原因：夜宵涉及消防规定，暂不提供。")
    check_page(stranger, "suggestions-track-phone")


def test_me_too_counts_once_per_person(phone, new_page):
    title = f"会议室不够 {uuid.uuid4().hex[:6]}"
    office = new_page("phone")
    login(office, "office")
    _file(office, title, anonymous=True)
    _answer(office, title, "in_progress", "正在协调。")
    office.click("button:has-text('Show it on the public board')")
    expect(office.locator("#flash")).to_contain_text("public board")

    login(phone, "employee")
    phone.goto("/suggestions/board")
    item = phone.locator(".board-item", has_text=title)
    item.locator("button:has-text('Me too')").click()
    expect(item.locator(".me-too-count")).to_have_text("1")
    expect(item.locator("button")).to_be_disabled()
    phone.reload()
    expect(phone.locator(".board-item", has_text=title).locator(".me-too-count")).to_have_text("1")
    check_page(phone, "suggestions-board-phone")


def _type_in_slip(page, title: str) -> None:
    page.select_option("#category_id", label="Facilities and equipment")
    page.fill("#title", title)
    page.fill("#details", "三楼打印机经常卡纸。")
    page.click("form.suggestion-form button[type=submit]")


def test_office_types_in_slips_and_merges_one_by_its_number(phone):
    tag = uuid.uuid4().hex[:6]
    first, second = f"打印机卡纸 {tag}", f"纸条：打印机又坏了 {tag}"
    slip_day = (date.today() - timedelta(days=3)).isoformat()
    login(phone, "office")
    _file(phone, first, anonymous=False)  # a named note: numbered at once
    number = phone.locator("article header .suggestion-number").inner_text()
    assert re.fullmatch(r"S-\d{4}-\d{4}", number)

    phone.goto("/suggestions/new?source=paper")
    phone.fill("#slip_date", slip_day)
    _type_in_slip(phone, second)
    # A slip is numbered tomorrow with the day's anonymous notes, so its number dates nobody.
    expect(phone.locator("#flash")).to_contain_text("it gets its number tomorrow")
    expect(phone.locator("#flash")).not_to_contain_text("Your suggestion is sent")
    expect(phone.locator("h1")).to_have_text(second)
    expect(phone.locator("article header .suggestion-number")).to_have_text("number follows tomorrow")
    phone.click("a:has-text('Type in another paper slip')")
    expect(phone.locator("#slip_date")).to_have_value(slip_day)
    phone.go_back()
    check_page(phone, "suggestions-paper-saved-phone")
    phone.fill("#target_id", number.lower())  # typed as read out on the phone
    phone.click("form[action$='/merge'] button[type=submit]")
    expect(phone.locator("h1")).to_have_text(first)

    phone.goto("/suggestions/triage")
    phone.fill("input[name=q]", number)
    expect(phone.locator("#suggestion-rows .row-card")).to_have_count(1)
    expect(phone.locator("#suggestion-rows .row-card")).to_contain_text(first)
    expect(phone.locator("#suggestion-rows .row-card")).to_contain_text(number)


def test_office_pages_fit_a_phone_and_pass_axe(phone):
    login(phone, "office")
    for path, name in [("/suggestions/new", "new"), ("/suggestions/new?source=paper", "paper"),
                       ("/suggestions/triage", "triage"), ("/suggestions/drafts", "drafts"),
                       ("/suggestions/digest", "digest"), ("/suggestions/templates", "templates"),
                       ("/suggestions/categories", "categories"), ("/suggestions/track", "track-form")]:
        phone.goto(path)
        check_page(phone, f"suggestions-{name}-phone")


TAB_ROWS = """() => {
  const nav = document.querySelector('nav.tabs');
  const links = [...nav.querySelectorAll('a')];
  const current = nav.querySelector('[aria-current=page]').getBoundingClientRect();
  return {rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size,
          height: Math.round(nav.getBoundingClientRect().height),
          currentShown: current.left >= 0 && current.right <= window.innerWidth};
}"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_office_suggestion_tabs_take_at_most_three_rows_on_a_phone(browser, live_server, width, locale):
    """Nine tabs stacked in five rows pushed the page down a screen: now one row that scrolls sideways in
    itself, with the current tab brought into view (the last ones included), and no page-level sideways scroll."""
    context = browser.new_context(base_url=live_server.url, locale=locale,
                                  **{**PHONE, "viewport": {"width": width, "height": 780}})
    phone = context.new_page()
    login(phone, "office")
    for path in ("/suggestions/triage", "/suggestions/digest", "/suggestions/categories"):
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        shape = phone.evaluate(TAB_ROWS)
        assert shape["rows"] <= 3 and shape["height"] <= 3 * 48, f"{path} at {width}px: {shape}"
        assert shape["currentShown"], f"{path} at {width}px: the current tab is scrolled out of sight"
    check_page(phone, f"suggestions-tabs-{locale}-{width}")
    context.close()


def _noise_jpeg(width: int, height: int) -> bytes:
    """A photo as big as a phone's: noise does not compress, so this is several megabytes."""
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, "JPEG", quality=97)
    return buffer.getvalue()


# What the counter and the server say over the limit, in each language (the catalogs' words).
TOO_LONG = {"en": ("3000 characters too many: shorten it by 3000.", "This is 3000 characters too long"),
            "zh": ("超出 3000 个字，请删减 3000 个字。", "超出 3000 个字，请删减到 2000 个字以内。")}


@pytest.fixture(scope="module")
def writer(live_server) -> str:
    """An employee of this module's own: its language is switched freely (the demo accounts are shared)."""
    live_server.flask("users", "create", "long-writer", "钱长文 Qian (Employee)", "--department", "RD",
                      stdin=DEMO_PASSWORD + "\n")
    return "long-writer"


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_long_text_is_kept_and_the_screen_says_how_much_to_shorten(browser, live_server, writer, width, language):
    """Issue 13, item 5: a 5,000-character paste is kept whole; the counter and, after sending, the field's
    error say how much to shorten, on both phone widths and in both languages."""
    context = browser.new_context(base_url=live_server.url, **{**PHONE, "viewport": {"width": width, "height": 800}})
    phone = context.new_page()
    login(phone, writer)
    _set_language(phone, language)
    counter, refusal = TOO_LONG[language]
    phone.goto("/suggestions/new")
    phone.fill("#details", "长" * 5000)  # a paste: nothing may cut it
    assert phone.eval_on_selector("#details", "el => el.value.length") == 5000
    expect(phone.locator("#details-count")).to_have_text(counter)
    phone.select_option("#category_id", index=1)
    phone.fill("#title", f"很长的建议 {uuid.uuid4().hex[:6]}")
    phone.click("form.suggestion-form button[type=submit]")
    expect(phone.locator("#details-error")).to_contain_text(refusal)
    assert phone.eval_on_selector("#details", "el => el.value.length") == 5000
    check_page(phone, f"suggestions-too-long-{width}-{language}")
    context.close()


def test_a_big_photo_is_shrunk_before_the_upload(phone):
    login(phone, "employee")
    phone.goto("/suggestions/new")
    big = _noise_jpeg(4000, 3000)
    phone.set_input_files("#photo", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": big}])
    phone.wait_for_function("() => document.querySelector('#photo').files[0].size < 2000000")
    expect(phone.locator("#photo-error")).to_have_count(0)


@pytest.mark.timeout(300)  # 16 pages checked at two widths in two languages: about 35 s alone, far more in CI
def test_home_rating_digest_and_triage_on_phones_in_both_languages(new_page):
    title = f"停车位 {uuid.uuid4().hex[:6]}"
    office = new_page("phone")
    login(office, "office")
    employee = new_page("phone")
    login(employee, "employee")
    _file(employee, title, anonymous=False)
    _answer(office, title, "resolved", "已增加二十个车位。")
    office.goto("/suggestions/triage")
    expect(office.locator("details.more-filters")).not_to_have_attribute("open", "")
    office.click("details.more-filters > summary")
    office.select_option("select[name=status]", "resolved")
    expect(office.locator(".more-filters .filter-count")).to_have_text("1 active")
    office.goto("/suggestions/digest")
    expect(office.locator("#digest-list")).to_contain_text(title)  # the current week, opened by default
    try:
        for width in (360, 390):
            for language, page in (("en", employee), ("zh", employee), ("en", office), ("zh", office)):
                page.set_viewport_size({"width": width, "height": 800})
                _set_language(page, language)
                if page is employee:
                    page.goto("/")
                    expect(page.locator(".home-actions a")).to_have_count(2)
                    check_page(page, f"home-employee-{width}-{language}")
                    page.goto("/suggestions/")
                    page.click(f"#mine-rows a:has-text('{title}')")
                    expect(page.locator(".rating-scale .rating-option")).to_have_count(5)
                    check_page(page, f"suggestions-rating-{width}-{language}")
                else:
                    page.goto("/suggestions/digest")
                    _digest_fits(page)
                    check_page(page, f"suggestions-digest-{width}-{language}")
                    page.goto("/suggestions/triage")
                    check_page(page, f"suggestions-triage-{width}-{language}")
        employee.locator(".rating-option").last.click()
        assert employee.locator(".rating-input").last.is_checked()
        employee.click("form[action$='/rating'] button[type=submit]")
        expect(employee.locator("#flash")).to_contain_text("感谢您的评价")
    finally:
        for page in (employee, office):
            _set_language(page, "en")  # the demo users are shared with the other tests, even after a timeout


def _set_language(page, language: str) -> None:
    """Switch through the account menu (it saves the user's choice) unless the page is in it already."""
    page.goto("/")
    wanted = "zh-CN" if language == "zh" else "en"
    if page.locator("html").get_attribute("lang") == wanted:
        return
    page.click("details.account-menu summary")
    page.click(f"button[value={'zh_CN' if language == 'zh' else 'en'}]")
    expect(page.locator("html")).to_have_attribute("lang", wanted)


def _digest_fits(page) -> None:
    """Headers on one line and 合计 in view: the table scrolls sideways in its own focusable region."""
    heights = page.eval_on_selector_all(".digest-table thead th",
                                        "ths => ths.map(th => th.getBoundingClientRect().height)")
    assert heights and max(heights) < 2.2 * min(heights), heights
    total = page.locator(".digest-table thead th").nth(1).bounding_box()
    assert total["x"] + total["width"] <= page.viewport_size["width"]
    expect(page.locator(".digest-table-wrap")).to_have_attribute("tabindex", "0")


def test_leaving_the_search_box_does_not_fetch_the_list_again(new_page):
    """Typing refilters once; tapping a result right after must open it. Leaving the box fired `change` with
    the value already asked for, and that second answer could land after the tap and put the list back."""
    office = new_page("phone")
    login(office, "office")
    office.goto("/suggestions/triage")
    asked = []
    office.on("request", lambda r: asked.append(r.url) if "/suggestions/triage?" in r.url else None)
    office.fill("input[name=q]", "食堂")
    expect(office).to_have_url(re.compile(r"[?&]q="))
    office.locator("input[name=q]").press("Tab")  # what a tap elsewhere does: the box loses focus
    office.wait_for_timeout(600)  # past the filter's 400 ms delay
    assert len(asked) == 1, asked
    office.click(".more-filters summary")
    office.select_option("select[name=status]", index=1)  # a real change still refilters
    expect(office).to_have_url(re.compile(r"[?&]status=\w"))
    assert len(asked) == 2, asked
