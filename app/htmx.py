"""The only module that reads htmx request headers (htmx 4: HX-Request-Type, HX-Source)."""
from flask import redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """True for a targeted htmx swap; boosted navigation and history restores get the full page."""
    if not is_htmx():
        return False
    if request.headers.get("HX-Boosted") == "true":
        return False
    if request.headers.get("HX-History-Restore-Request") == "true":
        return False
    return request.headers.get("HX-Request-Type") == "partial"


def source_id() -> str:
    """The id part of HX-Source (`tag#id`), or '' when the trigger had no id."""
    return request.headers.get("HX-Source", "").partition("#")[2]


def render(page_template: str, fragment_template: str, /, status: int = 200, **context):
    """Render the full page or only its partial, and tell caches the answer depends on HX-Request."""
    template = fragment_template if wants_fragment() else page_template
    return render_template(template, **context), status, {"Vary": "HX-Request"}


def redirect_after_post(url: str):
    """303 so the browser follows with GET; htmx follows redirects itself through fetch()."""
    return redirect(url, code=303)
