"""Links built the same way inside a request and outside one (`flask tick`, the CLI, a test).

Notifications store a path; messages that leave the app (e-mail, QR labels) need an absolute URL,
made from the configured public address (BASE_URL, set by OFFICEHUB_BASE_URL) so that a label
printed from a machine reached as `localhost` still carries the address people's phones can open.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def _adapter():
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(base.netloc or "localhost", script_name=base.path or "/",
                                    url_scheme=base.scheme or "http")


def path_for(endpoint: str, **values) -> str:
    """The path of a page (e.g. `/repairs/12`), for links stored with a notification."""
    if has_request_context():
        return url_for(endpoint, **values)
    return _adapter().build(endpoint, values)


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, from BASE_URL when it is set, else from the current request."""
    if has_request_context() and not current_app.config["BASE_URL"]:
        return url_for(endpoint, _external=True, **values)
    if not current_app.config["BASE_URL"]:
        return "http://localhost" + path_for(endpoint, **values)
    return _adapter().build(endpoint, values, force_external=True)


_SENTINEL = 918273645  # an id no table reaches; replaced by the real id in each built path


def id_path(endpoint: str, ident: int) -> str:
    """The path of `endpoint` for one id (e.g. `/repairs/12`), built once per request and endpoint.

    A list draws a link per row; url_for per row costs more than the rest of the row, so the path is
    built once with a stand-in id and each row's id put in its place."""
    if not has_request_context():
        return path_for(endpoint, **{_argument(endpoint): ident})
    paths = request.environ.setdefault("officehub.id_paths", {})  # this request's, as url_for's own base
    parts = paths.get(endpoint)
    if parts is None:
        parts = paths[endpoint] = url_for(endpoint, **{_argument(endpoint): _SENTINEL}).split(str(_SENTINEL))
    return f"{parts[0]}{int(ident)}{parts[1]}"


def _argument(endpoint: str) -> str:
    """The one variable part of the endpoint's address (its id)."""
    (argument,) = current_app.url_map._rules_by_endpoint[endpoint][0].arguments
    return argument


def init_app(app) -> None:
    app.jinja_env.globals["id_path"] = id_path
