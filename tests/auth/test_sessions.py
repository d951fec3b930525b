"""Sign-out ends the session on the server: copied cookies are worthless afterwards."""
import threading

from werkzeug.security import check_password_hash

from app.auth import services
from tests.conftest import PASSWORD


def _sign_in(app, login, remember=False):
    client = app.test_client()
    data = {"login": login, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=data).status_code == 303
    return client


def _copy(client, name):
    return client.get_cookie(name).value


def _replay(app, name, value):
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief.get("/")


def test_a_session_cookie_copied_before_logout_opens_nothing_after_it(app, make_user):
    make_user(login="S1")
    client = _sign_in(app, "S1")
    copied = _copy(client, "session")
    assert _replay(app, "session", copied).status_code == 200  # the copy works while signed in...
    client.post("/logout")
    assert _replay(app, "session", copied).headers["Location"].startswith("/login")  # ...and not after


def test_a_remember_me_cookie_copied_before_logout_no_longer_signs_in(app, make_user):
    make_user(login="S2")
    client = _sign_in(app, "S2", remember=True)
    copied = _copy(client, "remember_token")
    assert _replay(app, "remember_token", copied).status_code == 200
    client.post("/logout")
    assert _replay(app, "remember_token", copied).headers["Location"].startswith("/login")


def test_sign_out_on_other_devices_keeps_this_one(app, make_user):
    make_user(login="S3")
    lent_phone, own_laptop = _sign_in(app, "S3", remember=True), _sign_in(app, "S3")
    response = own_laptop.post("/account/sign-out-elsewhere", headers={"Accept-Language": "en"},
                               follow_redirects=True)
    assert "Signed out on 1 other device." in response.get_data(as_text=True)
    assert own_laptop.get("/").status_code == 200
    assert lent_phone.get("/").headers["Location"].startswith("/login")
    lent_phone.delete_cookie("session")
    assert lent_phone.get("/").status_code == 302  # its remember-me cookie is revoked too


def test_a_parallel_burst_checks_at_most_the_limit_of_passwords(app, make_user, monkeypatch):
    """32 guesses at once on one name from one address: the count is taken before the password."""
    make_user(login="S4")
    checked = []
    real_check = check_password_hash
    monkeypatch.setattr("app.auth.models.check_password_hash",
                        lambda *a: checked.append(1) or real_check(*a))
    monkeypatch.setattr(services, "check_password_hash", lambda *a: checked.append(1) or real_check(*a))
    start = threading.Barrier(32)

    def guess():
        with app.app_context():
            start.wait()
            services.authenticate("S4", "wrong", "10.20.0.1")

    threads = [threading.Thread(target=guess) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= app.config["LOGIN_RATE_LIMIT"]
