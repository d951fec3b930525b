"""Own password, forced change after a reset, language preference, and sessions that end."""
from app.auth import services
from app.extensions import db
from tests.conftest import PASSWORD

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_change_password_needs_the_current_one(client, login_as):
    login_as()
    response = client.post("/account/password", data={"current": "wrong-one", "new": "new-password-1",
                                                       "confirm": "new-password-1"})
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_change_password_checks_length_and_confirmation(client, login_as):
    login_as()
    short = client.post("/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422 and "between 8 and 128 characters" in short.get_data(as_text=True)
    differ = client.post("/account/password", data={"current": PASSWORD, "new": "new-password-1",
                                                    "confirm": "new-password-2"})
    assert "The two passwords differ." in differ.get_data(as_text=True)


def test_changed_password_works_and_keeps_this_session(client, login_as):
    user = login_as()
    response = client.post("/account/password", data={"current": PASSWORD, "new": "new-password-1",
                                                       "confirm": "new-password-1"})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert user.check_password("new-password-1")


def test_password_change_signs_out_other_devices(app, client, login_as):
    user = login_as()
    other_device = app.test_client()
    other_device.post("/login", data={"login": user.login, "password": PASSWORD})
    assert other_device.get("/").status_code == 200
    client.post("/account/password", data={"current": PASSWORD, "new": "new-password-1",
                                           "confirm": "new-password-1"})
    assert other_device.get("/").status_code == 302


def test_after_an_admin_reset_nothing_opens_until_a_new_password_is_set(client, make_user):
    user = make_user()
    services.reset_password(user, "temporary-123")
    client.post("/login", data={"login": user.login, "password": "temporary-123"})
    response = client.get("/notifications/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert "Your password was reset" in client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={"current": "temporary-123", "new": "mine-now-123",
                                           "confirm": "mine-now-123"})
    assert client.get("/notifications/").status_code == 200


def test_deactivation_ends_an_open_session(client, login_as):
    user = login_as()
    services.set_active(user, False)
    assert client.get("/").status_code == 302


def test_language_choice_is_saved_on_the_account(client, login_as):
    user = login_as(locale=None)
    response = client.post("/language", data={"locale": "zh_CN", "next": "/"})
    assert response.status_code == 303
    assert db.session.get(type(user), user.id).locale == "zh_CN"
    assert "您好" in client.get("/").get_data(as_text=True)


def test_language_before_sign_in_follows_the_browser_then_the_switch(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "<h1>登录</h1>" in page
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<h1>Sign in</h1>" in page


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"locale": "fr"}).status_code == 400


def test_the_new_password_must_differ_from_the_current_one(client, make_user):
    user = make_user()
    services.reset_password(user, "temporary-123")
    client.post("/login", data={"login": user.login, "password": "temporary-123"})
    response = client.post("/account/password", data={"current": "temporary-123", "new": "temporary-123",
                                                       "confirm": "temporary-123"})
    assert response.status_code == 422 and "different from the current one" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.must_change_password


def test_keep_me_signed_in_survives_a_password_change(app, client, make_user):
    user = make_user()
    client.post("/login", data={"login": user.login, "password": PASSWORD, "remember": "y"})
    response = client.post("/account/password", data={"current": PASSWORD, "new": "new-password-1",
                                                       "confirm": "new-password-1"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    # A browser restart: the session cookie is gone, the remember cookie brings the user back.
    client.delete_cookie("session")
    assert client.get("/").status_code == 200


def test_the_bell_waits_quietly_while_a_new_password_is_pending(client, make_user):
    user = make_user()
    services.reset_password(user, "temporary-123")
    client.post("/login", data={"login": user.login, "password": "temporary-123"})
    response = client.get("/notifications/bell", headers=PARTIAL)
    assert response.status_code == 204 and response.get_data(as_text=True) == ""


def test_a_signed_out_htmx_request_gets_a_message_not_the_login_page(client, login_as):
    login_as()
    client.post("/logout")
    response = client.get("/notifications/bell", headers=PARTIAL)
    body = response.get_data(as_text=True)
    assert response.status_code == 401 and response.headers["HX-Retarget"] == "#flash"
    assert "You are signed out." in body and 'href="/login"' in body and "<form" not in body
    # A whole page still goes to the sign-in form.
    assert client.get("/notifications/").headers["Location"].startswith("/login?next=")
