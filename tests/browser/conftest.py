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


# A gunicorn imports the app in each of its workers; on a CI machine running both suites it once took over 30 s.
STARTUP_SECONDS = 90


def _wait_until_up(url: str, process, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + log.read_text())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {STARTUP_SECONDS} s:\n" + log.read_text())


def _context(browser, live_server, options, locale="en-US"):
    context = browser.new_context(base_url=live_server.url, locale=locale, **options)
    context.add_init_script(SWAP_WATCH)
    return context


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
    make.contexts = contexts  # for the failure report below
    yield make
    for context in contexts:
        context.close()


def _open_pages(item) -> list:
    pages = [item.funcargs[kind] for kind in SIZES if kind in item.funcargs]
    make = item.funcargs.get("new_page")
    for context in getattr(make, "contexts", []):
        pages.extend(context.pages)
    return pages


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what each of its open pages showed (address, message, text) and saves a
    screenshot under test-artifacts/failures: a timing failure on a loaded CI machine can then be read from
    the log alone."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    lines = []
    for number, page in enumerate(_open_pages(item), 1):
        try:
            shot = ARTIFACTS.parent / "failures" / f"{item.name}-{number}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            text = page.locator("main").first.inner_text(timeout=2000)
            lines.append(f"--- page {number}: {page.url} (screenshot {shot.name})\n{text[:2000]}")
        except Exception as exc:  # noqa: BLE001 - a report must never hide the failure it reports
            lines.append(f"--- page {number}: {page.url}: {exc}")
    report.sections.append(("open pages at the failure", "\n".join(lines)))


def login(page, user: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.click("form[action^='/login'] button[type=submit]")
    page.wait_for_url("**/")


_axe = Axe()

# The options Lighthouse 12.2.3 runs axe-core with (core/gather/gatherers/accessibility.js): WCAG 2 A/AA
# plus the rules it switches on or off by name, experimental ones such as label-content-name-mismatch
# included. Our axe-core is the one axe-playwright-python bundles (4.12.1); a rule named here runs even
# where that version still calls it experimental.
_LIGHTHOUSE_ON = ("accesskeys aria-allowed-role aria-conditional-attr aria-deprecated-role aria-dialog-name "
                  "aria-prohibited-attr aria-treeitem-name aria-text empty-heading heading-order "
                  "html-xml-lang-mismatch identical-links-same-purpose image-redundant-alt input-button-name "
                  "label-content-name-mismatch landmark-one-main link-in-text-block meta-viewport select-name "
                  "skip-link tabindex table-duplicate-name table-fake-caption target-size td-has-header")
_LIGHTHOUSE_OFF = ("area-alt aria-braille-equivalent aria-roledescription audio-caption blink duplicate-id "
                   "frame-focusable-content frame-title-unique marquee nested-interactive no-autoplay-audio "
                   "role-img-alt scrollable-region-focusable server-side-image-map summary-name svg-img-alt")
LIGHTHOUSE_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
    "resultTypes": ["violations"],
    "rules": {**{rule: {"enabled": True} for rule in _LIGHTHOUSE_ON.split()},
              **{rule: {"enabled": False} for rule in _LIGHTHOUSE_OFF.split()},
              # Lighthouse leaves this one off, but a table nobody can scroll by keyboard is a real
              # finding (the audit ran it): keep it on.
              "scrollable-region-focusable": {"enabled": True}},
}


# Everything a finger must hit: controls, and links except those inside running text (a sentence in a
# paragraph), which WCAG's target-size rule exempts.
TAP_TARGETS_TOO_SMALL = """() => {
  const selector = 'a[href], button, [role=button], select, summary, ' +
                   'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), ' +
                   'label:has(> input[type=checkbox]), label:has(> input[type=radio])';
  const inRunningText = el => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, dd, td, figcaption, .field-error, .form-errors, .flash');
    return block !== null && block.textContent.trim() !== el.textContent.trim();
  };
  return [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden, [hidden], .print-only, .skip-link'))
    .filter(el => !inRunningText(el))
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && (box.height < 43.5 || box.width < 43.5))
    .map(([el, box]) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                        `${el.className ? '.' + String(el.className).split(' ')[0] : ''} ` +
                        `"${el.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}x${Math.round(box.height)}px`);
}"""

# What the Nu HTML Checker would say about the document as drawn (htmx swaps included): ids unique,
# labels and ARIA references pointing at something that exists and can be labelled, a required
# <select> starting with an empty placeholder, and no two landmarks of one kind with one name.
HTML_PROBLEMS = r"""() => {
  const problems = [];
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) problems.push(`id "${id}" used ${n} times`);
  const labelable = 'input:not([type=hidden]), select, textarea, button, meter, output, progress';
  for (const label of document.querySelectorAll('label[for]')) {
    const target = document.getElementById(label.htmlFor);
    if (!target || !target.matches(labelable))
      problems.push(`label for="${label.htmlFor}" points at nothing labelable`);
    else if (label.closest('form') && target.form && label.closest('form') !== target.form)
      problems.push(`label for="${label.htmlFor}" points into another form`);
  }
  for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls']) {
    for (const el of document.querySelectorAll(`[${attr}]`))
      for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean))
        if (!document.getElementById(id)) problems.push(`${attr}="${id}" points at nothing`);
  }
  for (const select of document.querySelectorAll('select[required]:not([multiple])')) {
    const first = select.options[0];
    if (select.size <= 1 && first && first.value !== '' && first.textContent.trim() !== '')
      problems.push(`required select "${select.name}" starts with an option that has a value`);
  }
  const names = new Map();
  const landmarks = 'nav, aside, [role=navigation], [role=complementary], [role=search], ' +
                    'form[aria-label], section[aria-label]';
  for (const el of document.querySelectorAll(landmarks)) {
    const kind = el.getAttribute('role') || el.tagName.toLowerCase();
    const named = id => document.getElementById(id)?.textContent.trim();
    const name = el.getAttribute('aria-label') ||
                 (el.getAttribute('aria-labelledby') || '').split(/\s+/).map(named).join(' ');
    const key = `${kind}:${name}`;
    if (names.has(key)) problems.push(`two ${kind} landmarks named "${name}"`);
    names.set(key, true);
  }
  return problems;
}"""


# Every htmx swap runs HTML_PROBLEMS on the document as it is after the swap, and keeps what it found:
# a fragment that repeats an id of the page, or a label whose control it replaced, shows only there.
# check_standards reports them with the page's own findings.
SWAP_WATCH = """
window.__swapProblems = [];
document.addEventListener('htmx:after:swap', () => {
  const found = (HTML_PROBLEMS)();
  for (const problem of found) {
    const line = `after a swap on ${location.pathname}: ${problem}`;
    if (!window.__swapProblems.includes(line)) window.__swapProblems.push(line);
  }
});
""".replace("HTML_PROBLEMS", HTML_PROBLEMS)


def check_standards(page, name: str) -> None:
    """What the web's own checks ask of the page as it is now: no sideways scroll, every tap target at
    least 44 x 44 px, valid HTML (see HTML_PROBLEMS), and no serious or critical axe-core finding
    with Lighthouse's rules."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    small = page.evaluate(TAP_TARGETS_TOO_SMALL)
    assert not small, f"{name}: tap targets under 44 x 44 px: {small[:6]}"
    problems = page.evaluate(HTML_PROBLEMS) + page.evaluate("window.__swapProblems || []")
    assert not problems, f"{name}: invalid HTML: {problems[:6]}"
    results = _axe.run(page, options=LIGHTHOUSE_AXE_OPTIONS)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)


def check_page(page, name: str) -> None:
    """What every page must pass (see check_standards). A screenshot is saved under
    test-artifacts/screenshots for a person to look at."""
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    check_standards(page, name)
