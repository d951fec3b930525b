"""The only module that reads htmx request headers (htmx 4: HX-Request-Type, HX-Source)."""
from flask import redirect, render_template, render_template_string, request, session

# Queued flash messages travel with any fragment answer, so an inline action's message shows at once
# in #flash instead of waiting in the session for the next full page.
_FLASH_PARTIAL = '<hx-partial hx-target="#flash" hx-swap="innerHTML">{% include "_flash.html" %}</hx-partial>'


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


def render_form(page_template: str, fragment_template: str, /, form, form_name: str = "form", **context):
    """A form's page or fragment: 422 when the form (or a service error put on it) has errors, else 200.
    `form_name` is the template's name for it, on pages that carry several forms."""
    status = 422 if form.errors else 200
    return render(page_template, fragment_template, status=status, **{form_name: form}, **context)


def redirect_after_post(url: str):
    """303 so the browser follows with GET; htmx follows redirects itself through fetch()."""
    return redirect(url, code=303)


def _append_flashes(response):
    # wants_fragment() first: reading the session on every answer would add `Vary: Cookie` to all.
    if (not wants_fragment() or not session.get("_flashes") or response.direct_passthrough
            or response.mimetype != "text/html" or "HX-Retarget" in response.headers
            or response.status_code in (204, 301, 302, 303, 304)):
        return response
    response.set_data(response.get_data() + render_template_string(_FLASH_PARTIAL).encode())
    return response


def init_app(app) -> None:
    app.after_request(_append_flashes)
