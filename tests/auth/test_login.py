"""Signing in: one message for every failure, a limit on failed attempts shared by all workers."""
import os

import pytest

from app import create_app
from app.config import TestConfig
from tests.conftest import PASSWORD

WRONG = "Login name or password is not correct."


def post_login(client, login, password, addr="10.0.0.1", **extra):
    return client.post("/login", data={"login": login, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": addr})


def test_correct_password_signs_in_and_records_the_time(client, make_user):
    user = make_user(login="E1001")
    response = post_login(client, "e1001", PASSWORD)  # login names are not case-sensitive
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert user.last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    make_user(login="E1002")
    unknown = post_login(client, "nobody", PASSWORD)
    wrong = post_login(client, "E1002", "not the password")
    assert unknown.status_code == wrong.status_code == 422
    assert WRONG in unknown.get_data(as_text=True)
    assert WRONG in wrong.get_data(as_text=True)
    # The typed login name stays in the field.
    assert 'value="E1002"' in wrong.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    make_user(login="E1003", active=False)
    assert post_login(client, "E1003", PASSWORD).status_code == 422


def test_five_attempts_on_a_name_from_one_address_block_that_pair(client, make_user):
    make_user(login="E1004")
    for _attempt in range(5):
        assert post_login(client, "E1004", "wrong", addr="10.0.1.1").status_code == 422
    blocked = post_login(client, "E1004", PASSWORD, addr="10.0.1.1")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "60"
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_a_stranger_guessing_cannot_lock_the_owner_out(client, make_user):
    """Guesses from another machine block that machine, not the owner signing in from their own."""
    make_user(login="E1011")
    for _attempt in range(12):
        post_login(client, "E1011", "wrong", addr="10.66.0.1")
    assert post_login(client, "E1011", PASSWORD, addr="10.0.2.1").status_code == 303


def test_a_distributed_guesser_hits_the_name_ceiling_but_a_known_device_gets_through(app, make_user):
    app.config["LOGIN_RATE_LIMIT_PER_NAME"] = 6
    make_user(login="E1012")
    owner = app.test_client()
    assert post_login(owner, "E1012", PASSWORD, addr="10.1.1.1").status_code == 303  # the phone is now known
    owner.post("/logout")
    guesser = app.test_client()
    for n in range(6):
        post_login(guesser, "E1012", "wrong", addr=f"10.8.0.{n}")
    assert post_login(guesser, "E1012", PASSWORD, addr="10.8.1.1").status_code == 429
    assert post_login(owner, "E1012", PASSWORD, addr="10.1.1.1").status_code == 303


def test_attempts_from_one_address_over_many_names_are_limited(client, make_user, app):
    make_user(login="E1005")
    limit = app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]
    for n in range(limit):
        post_login(client, f"guess{n}", "wrong", addr="10.9.9.9")
    assert post_login(client, "E1005", PASSWORD, addr="10.9.9.9").status_code == 429
    assert post_login(client, "E1005", PASSWORD, addr="10.9.9.10").status_code == 303


def test_the_limit_is_shared_between_app_instances(app, make_user):
    """Two workers (here: two app objects on one database) count the same attempts."""
    make_user(login="E1006")
    other = create_app(TestConfig(app.config["SQLALCHEMY_DATABASE_URI"]))
    first, second = app.test_client(), other.test_client()
    for _n in range(3):
        post_login(first, "E1006", "wrong", addr="10.3.0.1")
    for _n in range(2):
        post_login(second, "E1006", "wrong", addr="10.3.0.1")
    assert post_login(first, "E1006", PASSWORD, addr="10.3.0.1").status_code == 429


def _redis_url():
    import redis
    # A database of Redis per suite: CI runs the SQLite and PostgreSQL suites at once, and each empties its own.
    url = f"redis://127.0.0.1:6379/{14 if os.environ.get('TEST_DATABASE_URL', '').startswith('postgres') else 15}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def test_with_redis_configured_the_counts_live_in_redis(app, make_user):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis
    redis.Redis.from_url(url).flushdb()
    make_user(login="E1007")
    app.config["REDIS_URL"] = url
    other = create_app(TestConfig(app.config["SQLALCHEMY_DATABASE_URI"]))
    other.config["REDIS_URL"] = url
    for _n in range(5):
        post_login(app.test_client(), "E1007", "wrong", addr="10.6.0.1")
    assert redis.Redis.from_url(url).get("officehub:login:pair:e1007|10.6.0.1") == b"5"
    assert post_login(other.test_client(), "E1007", PASSWORD, addr="10.6.0.1").status_code == 429


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    make_user(login="E1008")
    response = post_login(client, "E1008", PASSWORD, remember="y")
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_next_goes_back_within_the_site_only(client, make_user):
    make_user(login="E1009")
    response = client.post("/login?next=//evil.example/x", data={"login": "E1009", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/notifications/", data={"login": "E1009", "password": PASSWORD})
    assert response.headers["Location"] == "/notifications/"


def test_pages_need_sign_in_and_sign_out_needs_a_post(client, login_as):
    assert client.get("/").headers["Location"].startswith("/login")
    login_as()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user(login="E1010")
    cookie = post_login(client, "E1010", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
