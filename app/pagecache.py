"""Repeat views answered with 304 Not Modified, from the revision counters (app/revisions.py).

`@cached_page("repairs")` on a GET view: its ETag is a hash of everything the answer depends on —
the address and the htmx headers, the reader (id, language, session's CSRF token, so a form in a
reused copy still submits), the counters of the page's topics and of the layout's own (the reader's
notifications, people), the app's version and, for pages that show clocks, the current time bucket.
A browser that sends the same tag back gets 304 without the page being rendered; any write to what
the page shows raises a counter and so changes the tag. An answer carrying a flash message is never
reused.
"""
import hashlib
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.revisions import current
from app.timeutil import utcnow

# The layout shows the reader's name, roles, department and unread count.
LAYOUT_TOPICS = ("auth",)
HX_HEADERS = ("HX-Request", "HX-Request-Type", "HX-Boosted", "HX-History-Restore-Request", "HX-Source",
              "HX-Target")


def _reader() -> str:
    if not current_user.is_authenticated:
        return "-"
    if "csrf_token" not in session:
        generate_csrf()  # what rendering the page would do: the token must be part of the tag
    return f"{current_user.id}:{session['csrf_token']}"


def page_tag(topics: tuple[str, ...], seconds: int | None) -> str:
    """The ETag of this request's answer as things stand now."""
    reader_topics = (f"notifications:{current_user.id}",) if current_user.is_authenticated else ()
    counters = current((*topics, *LAYOUT_TOPICS, "notifications", *reader_topics))
    parts = [request.full_path, *(request.headers.get(h, "") for h in HX_HEADERS), _reader(),
             str(get_locale()), current_app.config["VERSION"], repr(sorted(counters.items()))]
    if seconds:
        parts.append(str(int(utcnow().timestamp()) // seconds))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _reusable() -> bool:
    return request.method == "GET" and not session.get("_flashes")


def _mark(response, tag: str):
    response.set_etag(tag, weak=True)  # weak: the same page whether sent gzipped or not
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("HX-Request")
    return response


def revalidate(topics: tuple[str, ...], seconds: int | None = None):
    """This answer's tag, and a 304 when the browser already holds it (else None). For a view that knows only
    part-way whether it answers with a page (the live meeting's poll says 204 first); `cached_page` for the rest."""
    g.revision_topics = topics
    tag = page_tag(topics, seconds)
    return tag, (_mark(make_response("", 304), tag) if request.if_none_match.contains_weak(tag) else None)


def tagged(response, tag: str):
    """The page's answer, marked reusable under `tag` when it is one."""
    response = make_response(response)
    if response.status_code == 200 and _reusable():
        _mark(response, tag)
    return response


def cached_page(*topics: str, seconds: int | None = None):
    """Answer a repeat view of this GET page with 304 while none of `topics` has changed.
    `seconds`: the page also shows the time (clocks, "overdue"), so a copy is good for this long."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not _reusable():
                return view(*args, **kwargs)
            tag, not_modified = revalidate(topics, seconds)
            return not_modified or tagged(view(*args, **kwargs), tag)
        wrapper.revision_topics = topics
        return wrapper
    return decorate
