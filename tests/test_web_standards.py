"""What the web's own checks (Lighthouse, the Nu HTML Checker) ask of every answer, seen over HTTP."""
import re

from app.auth.roles import Role


def test_static_files_stay_cached_across_sign_in(client, login_as, count_queries):
    """A phone keeps its CSS/JS after signing in or switching language: a static answer must not vary
    on the session cookie, set one, or cost a database query."""
    login_as(Role.EMPLOYEE)
    with count_queries() as queries:
        response = client.get("/static/app.css?v=1")
    assert response.status_code == 200
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    assert queries.count == 0
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_pages_still_vary_on_the_session(client, login_as):
    login_as(Role.EMPLOYEE)
    assert "Cookie" in client.get("/").headers.get("Vary", "")


def test_every_answer_asks_search_engines_not_to_index(client):
    for path in ("/login", "/static/app.css", "/healthz"):
        assert "noindex" in client.get(path).headers["X-Robots-Tag"]


def test_admin_home_answers_without_a_redirect(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'aria-current="page"' in response.get_data(as_text=True)


def test_hidden_fields_carry_no_id(client, login_as):
    """The sign-out form and a page's own form each carry a CSRF token: an id on both repeats."""
    login_as(Role.ADMIN)
    html = client.get("/admin/departments").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 2
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert "csrf_token" not in ids
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _first_option(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select and "required" in select.group(0), f"{name} is not a required select"
    return re.search(r"<option[^>]*>", select.group(1)).group(0)


def test_required_selects_start_with_an_empty_choice(client, login_as):
    """HTML asks a required select to start with a value-less placeholder; otherwise a user who skips
    it files under whatever comes first."""
    from app.suggestions import services as suggestions

    suggestions.seed_default_categories()
    login_as(Role.EMPLOYEE)
    assert 'value=""' in _first_option(client.get("/suggestions/new").get_data(as_text=True), "category_id")
    assert 'value=""' in _first_option(client.get("/repairs/new").get_data(as_text=True), "location_id")


def test_skipping_the_category_is_refused_on_its_field_with_the_text_kept(client, login_as):
    from app.suggestions import services as suggestions

    suggestions.seed_default_categories()
    login_as(Role.EMPLOYEE)
    for skipped in ("", "0"):
        response = client.post("/suggestions/new", data={
            "category_id": skipped, "title": "班车路线", "details": "希望增加到园区东门的站点。",
            "token": f"token-abcdefghijklmn{skipped or 'x'}"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'id="category_id-error"' in html and "希望增加到园区东门的站点。" in html
