"""Valid HTML in what the server sends (issue 18): every role's main pages and detail pages
(tests/browser/pages.py), and every fragment those pages ask for with htmx (their `hx-get` addresses,
fetched the way htmx fetches them), parse cleanly and use each id once (tests/htmlcheck.py). The browser
tests check the document as drawn, after every swap too."""
import html
import re

import pytest

from app.cli import DEMO_PASSWORD, seed_demo
from tests import PARTIAL
from tests.browser.pages import MAIN_PAGES, pages_of
from tests.htmlcheck import html_problems

HX_GET = re.compile(r'\bhx-get="([^"]+)"')
DETAIL = re.compile(r'href="(/(?:suggestions|meetings|repairs|visits|requests|actions)/\d+)"')


@pytest.mark.parametrize("markup, problem", [
    ("<p>text<div>block</div></p>", "</p> with no open <p>"),
    ("<section><div></section>", "</section> closes <div>"),
    ("<span id=a></span><i id=a></i>", 'id "a" used 2 times'),
    ("<ul><li>one<li>two</ul><div>", "<div> never closed"),
    ('<a href="/" href="/x">x</a>', "attribute href twice"),
    ("<div/>", "<div/> is not a void element"),
])
def test_the_checker_finds_what_the_nu_checker_reports(markup, problem):
    assert any(problem in line for line in html_problems(markup)), html_problems(markup)


def test_the_checker_accepts_what_html_allows():
    markup = ('<ul><li>one<li>two</ul><table><tr><td>a<td>b<tr><td>c</table><p>one<p>two'
              '<select><option>a<option>b</select><dl><dt>t<dd>d</dl><img alt=""><br>'
              '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg><script>if (a < b) {}</script>')
    assert html_problems(markup) == []


def _signed_in(app, login: str):
    """A browser of its own for each demo account."""
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 303, login
    return client


def _check_page_and_its_fragments(client, path: str, found: dict) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    found[path] = html_problems(body)
    for url in sorted({html.unescape(u) for u in HX_GET.findall(body)}):
        fragment = client.get(url, headers=PARTIAL)
        assert fragment.status_code in (200, 204), f"{url} (from {path}): {fragment.status_code}"
        assert "<html" not in fragment.get_data(as_text=True), f"{url}: a whole page where htmx asked a fragment"
        found[f"{url} (fragment, from {path})"] = html_problems(fragment.get_data(as_text=True))
    return body


def test_every_main_page_and_every_fragment_it_loads_is_valid_html(app):
    seed_demo(force=True)
    found: dict[str, list[str]] = {}
    for role in MAIN_PAGES:
        client = _signed_in(app, role)
        for path in pages_of(role, lambda path, client=client: client.get(path).get_data(as_text=True)):
            body = _check_page_and_its_fragments(client, path, found)
            for detail in DETAIL.findall(body)[:1]:
                _check_page_and_its_fragments(client, detail, found)
    bad = {where: problems for where, problems in found.items() if problems}
    assert len(found) > 120  # every role's pages, their detail pages and their fragments
    assert not bad, f"{len(bad)} invalid: " + "; ".join(f"{w}: {p[:3]}" for w, p in list(bad.items())[:8])
