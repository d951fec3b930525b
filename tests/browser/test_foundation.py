"""A person on a phone signs in, looks around, switches language, and sees only what their role allows."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, check_standards, login


def test_login_page_on_phone_is_light_and_accessible(phone):
    phone.goto("/login")
    assert phone.locator("h1").inner_text() == "Sign in"
    check_page(phone, "login-phone")


def test_wrong_password_shows_inline_message_and_keeps_name(phone):
    phone.goto("/login")
    phone.fill("input[name=login]", "employee")
    phone.fill("input[name=password]", "wrong-password")
    phone.click("form[action^='/login'] button[type=submit]")
    assert phone.locator(".field-error").inner_text() == "Login name or password is not correct."
    assert phone.input_value("input[name=login]") == "employee"


@pytest.mark.parametrize("user, sees, hidden", [
    ("employee", [], ["Administration"]),
    ("admin", ["Administration"], []),
])
def test_navigation_follows_roles(phone, user, sees, hidden):
    login(phone, user)
    nav = phone.locator("nav.mainnav").all_inner_texts() if phone.locator("nav.mainnav").count() else [""]
    for label in sees:
        assert label in nav[0]
    for label in hidden:
        assert label not in nav[0]
    check_page(phone, f"home-{user}-phone")


def test_switch_language_to_chinese_and_back(phone):
    login(phone, "admin")
    phone.click("details.account-menu summary")
    phone.click("button[value=zh_CN]")
    phone.wait_for_selector("text=管理")
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    check_page(phone, "home-admin-phone-zh")
    phone.goto("/admin/users")
    check_page(phone, "admin-users-phone-zh")
    phone.click("details.account-menu summary")
    phone.click("button[value=en]")
    phone.wait_for_selector("text=Administration")


def test_admin_pages_fit_a_phone(phone):
    login(phone, "admin")
    for path, name in [("/admin/users", "admin-users"), ("/admin/users/new", "admin-user-new"),
                       ("/admin/departments", "admin-departments"), ("/admin/users/import", "admin-import"),
                       ("/notifications/", "notifications"), ("/account/password", "password")]:
        phone.goto(path)
        check_page(phone, f"{name}-phone")


def test_admin_user_search_filters_in_place(desktop):
    login(desktop, "admin")
    desktop.goto("/admin/users")
    desktop.fill("input[name=q]", "liaison-prod")
    desktop.wait_for_url("**q=liaison-prod**")
    rows = desktop.locator("#user-rows li")
    assert rows.count() == 1 and "liaison-prod" in rows.first.inner_text()


def test_a_lost_connection_is_reported_and_clears_when_it_comes_back(desktop):
    login(desktop, "admin")
    desktop.goto("/admin/users")
    desktop.context.set_offline(True)
    desktop.fill("input[name=q]", "liaison-prod")
    expect(desktop.locator("#flash")).to_contain_text("could not be reached")
    expect(desktop.locator("input[name=q]")).to_have_value("liaison-prod")
    desktop.context.set_offline(False)
    desktop.fill("input[name=q]", "liaison-hr")
    expect(desktop.locator("#user-rows li")).to_have_count(1)
    expect(desktop.locator("#flash")).not_to_contain_text("could not be reached")


def test_a_page_reached_from_the_menu_has_its_feature_styles(desktop):
    """Menu links are boosted: htmx swaps only the body, so a feature's CSS must not depend on <head>."""
    login(desktop, "office")
    desktop.evaluate("window.__sameDocument = true")
    desktop.locator("nav a[href='/repairs/board']").first.click()
    desktop.wait_for_url("**/repairs/board")
    expect(desktop.locator(".board")).to_have_css("display", "grid")
    assert desktop.evaluate("window.__sameDocument === true")  # it really was an htmx navigation


def test_the_html_check_also_sees_what_an_htmx_swap_brought_in(phone):
    """A fragment swapped in later is checked too: here the server's real bell fragment, swapped by htmx a
    second time into the page (a fragment that repeats an id, as a wrong hx-swap would)."""
    login(phone, "employee")
    phone.goto("/")
    check_standards(phone, "home before the swap")
    phone.evaluate("""() => {
      const slot = document.createElement('div');
      slot.className = 'swap-slot';
      document.querySelector('main').append(slot);
      return htmx.ajax('GET', '/notifications/bell', {target: '.swap-slot', swap: 'innerHTML'});
    }""")
    expect(phone.locator(".swap-slot #bell")).to_have_count(1)
    with pytest.raises(AssertionError, match='after a swap on /: id "bell" used 2 times'):
        check_standards(phone, "home after a swap that repeats an id")
