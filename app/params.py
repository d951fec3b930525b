"""Typed query-string parameters, one place for every list and filter: a value that is missing,
malformed, out of range or hostile (NUL, a 100,000-character string, a number past the database's
integer range, an impossible date) reads as "not given", so the page shows with that filter ignored.
"""
from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# The largest id an INTEGER column holds (PostgreSQL refuses a larger number bound to one, so it must
# never reach a query). Suggestions' random 12-digit ids live in BIGINT columns: `<bigint:…>` routes.
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1
MAX_PAGE = 100_000
_CONTROL = {c: None for c in (*range(32), 127)}


def to_int(raw, low: int = 1, high: int = MAX_ID) -> int | None:
    """A typed number within [low, high] (ids by default), else None."""
    if not isinstance(raw, str) or not raw or len(raw) > 19 or not raw.lstrip("-").isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


def int_arg(name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """The query parameter `name` as an integer within [low, high], else None."""
    return to_int(request.args.get(name), low, high)


def page_arg(name: str = "page") -> int:
    """The page number asked for, 1 when absent or absurd."""
    return int_arg(name, 1, MAX_PAGE) or 1


def to_text(raw, max_length: int = 100) -> str:
    """Search text: control characters removed, trimmed, at most `max_length` characters."""
    if not isinstance(raw, str):
        return ""
    return raw[: max_length * 2].translate(_CONTROL).strip()[:max_length]


def text_arg(name: str, max_length: int = 100) -> str:
    return to_text(request.args.get(name), max_length)


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: an id past the database's integer range is a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's own parameter name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class BigIdConverter(IntegerConverter):
    """`<bigint:…>`: ids of BIGINT columns (suggestions' random numbers)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002
        kwargs.setdefault("max", MAX_BIG_ID)
        super().__init__(map, *args, **kwargs)


# Names url_for reads for itself: a query string must never be able to set them.
_URL_FOR_NAMES = {"endpoint", "values", "method"}


def link_args(args=None, **extra) -> dict:
    """The query parameters a page rebuilds its own links from (pager, polls, filters): one value each,
    without names url_for reads itself (`endpoint=`, `_method=`, `_external=` ...), plus `extra`."""
    args = request.args if args is None else args
    found = {}
    for key in args:
        if key in _URL_FOR_NAMES or key.startswith("_") or key in extra:
            continue
        value = args.get(key) if hasattr(args, "getlist") else args[key]
        if isinstance(value, int) or (isinstance(value, str) and len(value) <= 200):
            found[key] = value
    return {**found, **extra}


class CleanArgsRequest(Request):
    """Query-string values arrive without control characters (NUL included, which PostgreSQL refuses in
    any text comparison) and at most 1,000 characters long: no filter a page passes on to a query can
    break it, whichever parameter it reads."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        raw = super().args
        return ImmutableMultiDict([(key.translate(_CONTROL)[:100], value.translate(_CONTROL)[:1000])
                                   for key, value in raw.items(multi=True)])


def init_app(app) -> None:
    app.request_class = CleanArgsRequest
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["bigint"] = BigIdConverter
    app.add_template_global(link_args)
