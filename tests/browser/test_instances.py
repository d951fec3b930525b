"""Several app instances on one database behave as one: two gunicorn servers on different ports (each
with its own instance folder, so nothing can hide on a local disk) and a scheduler beside each.

A photo uploaded through one is shown by the other, an agenda edit on one reaches a screen on the
other, and with two schedulers running every second no notification is sent twice.
"""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from app.config import normalize_database_url
from tests.browser.conftest import DESKTOP, PHONE, ROOT, _free_port, _wait_until_up, login
from tests.browser.test_meetings import add_item, item, open_new_meeting
from tests.browser.test_repairs import QR_LINK, _jpeg
from tests.conftest import fresh_postgres_database

# The first test also pays for the module's servers: a migrated and seeded database, two gunicorns and two
# schedulers, which took 108 s of a loaded machine once (past the suite's 120 s with the test's own 11 s).
pytestmark = pytest.mark.timeout(300)


def _database(tmp_dir: Path) -> str:
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        return f"sqlite:///{tmp_dir / 'shared.sqlite3'}"
    return fresh_postgres_database(f"officehub_multi_{os.getpid()}")


class Instances:
    def __init__(self, urls, database_url):
        self.urls = urls
        self.database_url = database_url

    def sql(self, statement: str, **params):
        engine = create_engine(normalize_database_url(self.database_url))
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            rows = result.all() if result.returns_rows else []
        engine.dispose()
        return rows


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    root = tmp_path_factory.mktemp("multi")
    database_url = _database(root)
    base_env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "shared-by-every-instance",
                "FLASK_APP": "wsgi.py", "PYTHONPATH": str(ROOT), "OFFICEHUB_DEFAULT_LOCALE": "en",
                "OFFICEHUB_LOGIN_RATE_LIMIT": "1000", "OFFICEHUB_LOGIN_RATE_LIMIT_PER_ADDRESS": "1000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_NAME": "1000", "OFFICEHUB_SCHEDULER_INTERVAL_SECONDS": "1"}
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=base_env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "flask", "seed-demo"], cwd=ROOT, env=base_env, check=True,
                   capture_output=True)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    processes, urls = [], []
    for name in ("a", "b"):
        folder = root / name
        folder.mkdir()
        env = {**base_env, "OFFICEHUB_INSTANCE": str(folder)}
        port = _free_port()
        with open(folder / "gunicorn.log", "w") as log:
            processes.append(subprocess.Popen(
                [gunicorn, "--no-control-socket", "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log))
        with open(folder / "scheduler.log", "w") as log:
            processes.append(subprocess.Popen([sys.executable, "-m", "flask", "scheduler"], cwd=ROOT, env=env,
                                              stdout=log, stderr=subprocess.STDOUT))
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", processes[-2], folder / "gunicorn.log")
        urls.append(f"http://127.0.0.1:{port}")
    yield Instances(urls, database_url)
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)


@pytest.fixture
def browser_on(browser):
    contexts = []

    def open_page(base_url, size=PHONE):
        context = browser.new_context(base_url=base_url, locale="en-US", **size)
        contexts.append(context)
        return context.new_page()
    yield open_page
    for context in contexts:
        context.close()


def test_a_photo_uploaded_through_one_instance_shows_through_the_other(instances, browser_on):
    first, second = instances.urls
    page = browser_on(first)
    login(page, "employee")
    page.goto(QR_LINK)
    page.fill("#description", "多实例测试：空调漏水 water drips from the AC")
    page.set_input_files("#photos", files=[{"name": "drip.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    page.click("#repair-form button[type=submit]")
    page.wait_for_url(re.compile(r"/repairs/\d+$"))
    path = page.url.removeprefix(first)
    # The same browser, now talking to the other machine: its session and the photo are there too.
    page.goto(second + path)
    photo = page.locator(".photo-grid img")
    expect(photo).to_have_count(1)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())


def test_an_agenda_edit_on_one_instance_reaches_a_screen_on_the_other(instances, browser_on):
    first, second = instances.urls
    office = browser_on(first, DESKTOP)
    url = open_new_meeting(office)
    liaison = browser_on(second)
    login(liaison, "liaison-prod")
    liaison.goto(second + url.removeprefix(first))
    add_item(office, "多实例：两台服务器同一议程")
    expect(item(liaison, "多实例：两台服务器同一议程")).to_be_visible(timeout=5000)


def test_two_schedulers_send_each_reminder_once(instances):
    # An unanswered suggestion long past its due date, so the overdue-answer job has work to do.
    started = instances.sql("SELECT COALESCE(MAX(id), 0) FROM notifications")[0][0]
    instances.sql("UPDATE suggestions SET answer_due_at = :due WHERE status = 'new'", due="2020-01-01 00:00:00")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        finished = instances.sql("SELECT COUNT(*) FROM job_leases WHERE last_finished_at IS NOT NULL")[0][0]
        total = instances.sql("SELECT COUNT(*) FROM job_leases")[0][0]
        if total and finished == total:
            break
        time.sleep(0.5)
    time.sleep(3)  # a few more ticks of both schedulers: a second send would show now
    rows = instances.sql("SELECT user_id, message, link FROM notifications WHERE id > :n", n=started)
    assert rows, "the schedulers sent nothing: the overdue suggestions were not reminded"
    assert len(rows) == len(set(rows)), f"a notification was sent twice: {rows}"
