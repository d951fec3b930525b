"""Layout-wide behaviour: page or fragment, error pages, CSRF, security headers, health, static files."""
import gzip
import html
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.auth.roles import Role
from app.cli import DEMO_PASSWORD, seed_demo
from app.extensions import db
from tests.browser.pages import MAIN_PAGES, pages_of

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_full_page_for_normal_boosted_and_history_requests(client, login_as):
    login_as()
    for headers in ({}, {"HX-Request": "true", "HX-Boosted": "true", "HX-Request-Type": "full"},
                    {**PARTIAL, "HX-History-Restore-Request": "true"}):
        page = client.get("/notifications/", headers=headers).get_data(as_text=True)
        assert "<header" in page and 'id="notification-list"' in page


def test_fragment_for_a_partial_request(client, login_as):
    login_as()
    body = client.get("/notifications/", headers=PARTIAL).get_data(as_text=True)
    assert body.lstrip().startswith("<section id=\"notification-list\"") and "<header" not in body


def test_404_is_a_page_in_the_layout(client, login_as):
    login_as()
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "<header" in page and "This page does not exist" in page


def test_failed_htmx_action_shows_a_message_in_the_flash_area(client, login_as):
    login_as()
    response = client.post("/notifications/999/open", headers=PARTIAL)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    assert "<header" not in response.get_data(as_text=True)


def test_forbidden_page_in_the_layout(client, login_as):
    login_as(Role.OFFICE)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "You do not have permission" in response.get_data(as_text=True)


def test_server_error_never_shows_a_traceback(app, client, login_as, monkeypatch):
    login_as()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr("app.main.views.cards_for", broken)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page and "Something went wrong" in page


def test_upload_over_the_limit_gets_413_page(app, client, login_as):
    login_as(Role.ADMIN)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/admin/users/import", data={"file": (__import__("io").BytesIO(b"x" * 5000), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_post_without_csrf_token_is_refused_with_a_message(csrf_on, client, make_user):
    user = make_user()
    response = client.post("/login", data={"login": user.login, "password": "correct horse battery"})
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)


def test_a_refused_form_gives_back_what_was_typed_but_no_password(app, client, login_as):
    login_as()
    app.config["WTF_CSRF_ENABLED"] = True  # the session's token is gone, as after a sign-out elsewhere
    response = client.post("/suggestions/new", data={
        "title": "食堂晚餐 <b>太早</b>", "details": "七点就关门了 🍜\n请延长", "category_id": "1",
        "csrf_token": "stale"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing is lost" in body
    assert "食堂晚餐 &lt;b&gt;太早&lt;/b&gt;" in body and "七点就关门了 🍜\n请延长" in body
    assert "stale" not in body
    response = client.post("/account/password", data={"current": "old-secret-1", "new": "new-secret-1"})
    assert response.status_code == 400 and "secret" not in response.get_data(as_text=True)


def test_htmx_post_with_the_layout_header_token_is_accepted(csrf_on, client, make_user):
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"login": user.login, "password": "correct horse battery"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 303


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_scripts_or_styles_in_the_layout(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page and "onclick" not in page


def test_health_check_reports_version_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok" and response.json["version"]


def test_health_check_says_503_when_the_database_is_down(client, monkeypatch):
    from app.extensions import db

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_vendor_files_are_gzipped_and_cached_for_a_year(client):
    response = client.get("/static/vendor/htmx-4.0.1/htmx.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    original = (Path(__file__).resolve().parents[1] / "static/vendor/htmx-4.0.1/htmx.min.js").read_bytes()
    assert gzip.decompress(response.data) == original and len(response.data) < len(original) / 2


FIRST_LOAD_BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\s(?:href|src)="(/[^"]+)"')


def _first_load(client, path: str) -> int:
    """What a phone downloads on its first visit to the page: the page, its CSS, scripts, icon and images,
    each gzipped when the server offers it (photos are JPEGs as stored)."""
    gz = {"Accept-Encoding": "gzip"}
    page = client.get(path, headers=gz)
    assert page.status_code == 200, path
    markup = gzip.decompress(page.data).decode() if page.headers.get("Content-Encoding") == "gzip" else page.text
    assets = {html.unescape(url) for url in ASSET.findall(markup)}
    return len(page.data) + sum(len(client.get(url, headers=gz).data) for url in assets)


def _photo(seed: int) -> bytes:
    """A phone photo's worth of detail (a gradient under grain), which a JPEG cannot squeeze to nothing."""
    grain = Image.effect_noise((1600, 1200), 48).convert("RGB")
    ground = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(ground, grain, 0.3).rotate(seed * 7).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _five_photo_rows(employee) -> None:
    """Five repair requests with a photo each, filed by the employee: rows of their list, the office's
    board and the maintenance queue, each of a kind of fault of its own so none looks like a duplicate."""
    from app.repairs.models import Location
    place = db.session.scalar(select(Location.id).limit(1))
    for n, kind in enumerate(("electrical", "plumbing", "furniture", "it", "other")):
        answer = employee.post("/repairs/new", content_type="multipart/form-data", data={
            "location_id": place, "category": kind, "urgency": "normal",
            "description": f"故障 {n}: 没法用 out of order", "photos": [(io.BytesIO(_photo(n)), f"IMG_{n}.jpg")]})
        assert answer.status_code == 303, answer.text[:300]


def test_first_phone_visit_to_every_main_page_is_under_60_kb(app):
    """Every role's main pages (tests/browser/pages.py), with five photo rows in the repair lists."""
    seed_demo(force=True)
    clients = {role: _signed_in(app, role) for role in MAIN_PAGES}
    _five_photo_rows(clients["employee"])
    sizes = {}
    for role in [None, *MAIN_PAGES]:
        client = clients.get(role) or app.test_client()
        for path in pages_of(role, lambda path, client=client: client.get(path).get_data(as_text=True)):
            sizes[f"{role or 'anonymous'} {path}"] = _first_load(client, path)
    heavy = {page: size for page, size in sizes.items() if size > FIRST_LOAD_BUDGET}
    assert len(sizes) > 60 and not heavy, f"over {FIRST_LOAD_BUDGET} bytes: {heavy}"
    print("heaviest first loads:", sorted(sizes.items(), key=lambda item: -item[1])[:5])


def _signed_in(app, login: str):
    client = app.test_client()
    assert client.post("/login", data={"login": login, "password": DEMO_PASSWORD}).status_code == 303, login
    return client


def test_favicon_exists(client):
    assert client.get("/static/favicon.svg").status_code == 200


def test_vendored_files_carry_their_licences():
    root = Path(__file__).resolve().parents[1] / "static" / "vendor"
    for folder in root.iterdir():
        assert any(p.name.startswith("LICENSE") for p in folder.iterdir()), folder


def test_navigation_shows_only_what_the_role_allows(client, login_as, make_user):
    login_as()
    assert "/admin/users" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    admin = make_user(Role.ADMIN)
    client.post("/login", data={"login": admin.login, "password": "correct horse battery"})
    assert "/admin/users" in client.get("/").get_data(as_text=True)


def test_navigation_marks_exactly_the_current_entry(client, login_as):
    login_as(Role.MAINTENANCE)
    page = client.get("/repairs/queue").get_data(as_text=True)
    current = [line for line in page.splitlines() if 'aria-current="page"' in line and "mainnav" not in line]
    nav_current = [line for line in current if "/repairs/" in line and "<li>" in line]
    assert len(nav_current) == 1 and 'href="/repairs/queue"' in nav_current[0]
