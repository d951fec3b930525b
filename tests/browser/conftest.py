"""A live Office Hub served by gunicorn on 127.0.0.1, migrated and seeded like a real install,
and Playwright pages on Debian's Chromium in phone, tablet and desktop sizes."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("OFFICEHUB_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "demo-pass-2026"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
TABLET = {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SIZES = {"phone": PHONE, "tablet": TABLET, "desktop": DESKTOP}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.exit(f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` (make test does it as root).",
                    returncode=3)
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _live_database_url(tmp_dir: Path) -> str:
    """A database of its own: the unit tests empty theirs after every test."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp_dir / 'live.sqlite3'}"
    name = f"officehub_live_{os.getpid()}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


class LiveServer:
    def __init__(self, url: str, env: dict, database_url: str):
        self.url = url
        self.env = env
        self.database_url = database_url

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run a `flask` command against the live database, as an operator would."""
        result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=self.env, input=stdin,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("live")
    database_url = _live_database_url(tmp_dir)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "OFFICEHUB_INSTANCE": str(tmp_dir),
           "FLASK_APP": "wsgi.py", "OFFICEHUB_DEFAULT_LOCALE": "en", "PYTHONPATH": str(ROOT),
           "OFFICEHUB_LOGIN_RATE_LIMIT": "1000", "OFFICEHUB_LOGIN_RATE_LIMIT_PER_ADDRESS": "1000",
           "OFFICEHUB_LOGIN_RATE_LIMIT_PER_NAME": "1000"}
    server = LiveServer(f"http://127.0.0.1:{port}", env, database_url)
    server.flask("db", "upgrade")
    server.flask("seed-demo")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    with open(tmp_dir / "gunicorn.log", "w") as log:  # the child keeps its own copy of the handle
        process = subprocess.Popen([gunicorn, "--no-control-socket", "-w", "2", "--threads", "4",
                                    "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
    _wait_until_up(server.url + "/healthz", process, tmp_dir / "gunicorn.log")
    yield server
    process.terminate()
    process.wait(timeout=20)


def _wait_until_up(url: str, process, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + log.read_text())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in 30 s:\n" + log.read_text())


def _context(browser, live_server, options, locale="en-US"):
    return browser.new_context(base_url=live_server.url, locale=locale, **options)


def _page_fixture(kind: str):
    """A fresh browser context (its own cookies: a separate person) of one screen size."""
    @pytest.fixture(name=kind)
    def sized_page(browser, live_server):
        context = _context(browser, live_server, SIZES[kind])
        yield context.new_page()
        context.close()
    return sized_page


phone_page = _page_fixture("phone")
tablet_page = _page_fixture("tablet")
desktop_page = _page_fixture("desktop")


@pytest.fixture
def new_page(browser, live_server):
    """Open further pages in their own contexts (a second person): new_page('phone'|'tablet'|'desktop')."""
    contexts = []

    def make(kind: str = "phone", locale: str = "en-US"):
        context = _context(browser, live_server, SIZES[kind], locale)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def login(page, user: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("form[action^='/login'] button[type=submit]")
    page.wait_for_url("**/")


_axe = Axe()


# Controls a finger must hit; links inside running text are exempt, as in WCAG's target-size rule.
TAP_TARGETS_TOO_SMALL = """() => {
  const selector = 'button, [role=button], select, summary, input:not([type=hidden]):not([type=checkbox])' +
                   ':not([type=radio]), label:has(> input[type=checkbox]), label:has(> input[type=radio])';
  return [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden, [hidden], .print-only'))
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && box.height < 43.5)
    .map(([el, box]) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                        `${el.className ? '.' + String(el.className).split(' ')[0] : ''} ${Math.round(box.height)}px`);
}"""


def check_page(page, name: str) -> None:
    """What every page must pass: no horizontal scroll, tap targets at least 44 px tall, no serious or
    critical axe-core violation.
    A screenshot is saved under test-artifacts/screenshots for a person to look at."""
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    small = page.evaluate(TAP_TARGETS_TOO_SMALL)
    assert not small, f"{name}: tap targets under 44 px tall: {small[:5]}"
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)
