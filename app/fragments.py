"""Rendered parts of a page kept on the server, keyed by the revision counters they depend on.

A page's ETag (app/pagecache.py) spares the work when the *browser* already has the page. A fragment
spares it when the page must be drawn again but only one of its parts has changed: the office's home
shows seven cards, and a new repair request should not make the other six count their tables again.

A fragment's key holds everything its HTML depends on: its name, the reader (id and language), the
app's version, the counters of its topics (app/revisions.py) and, for parts that show the time
("overdue", "today"), the current time bucket. Any write to a topic raises its counter and so changes
the key: the old copy is never read again and ages out. The counters live in the database, so a copy
is right whichever worker or machine made it. The store is this process's memory by default, or
Redis when REDIS_URL is set (shared by every worker).
"""
import hashlib
import time
from collections.abc import Callable

from cachelib import BaseCache, RedisCache, SimpleCache
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from app.timeutil import today, utcnow

STORE = "officehub_fragments"
# A key changes with every write, so old copies are never asked for again: they only need to age out.
LIFETIME_SECONDS = 3600
DAY_SECONDS = 86400
MEMORY_ENTRIES = 2000  # a few KB each: a few MB per worker at most
# A store that failed is left alone this long: a Redis that is down must not cost every request a failed
# connection and a warning in the log. Its answers are only ever a saving, so pages are drawn meanwhile.
PAUSE_SECONDS = 30
PAUSED_UNTIL = "officehub_fragments_paused_until"
REDIS_TIMEOUT_SECONDS = 0.5


def init_app(app) -> None:
    url = app.config["REDIS_URL"]
    if url:
        import redis  # only when configured
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_timeout=REDIS_TIMEOUT_SECONDS)
        store: BaseCache = RedisCache(host=client, key_prefix="officehub:fragment:", default_timeout=LIFETIME_SECONDS)
    else:
        store = SimpleCache(threshold=MEMORY_ENTRIES, default_timeout=LIFETIME_SECONDS)
    app.extensions[STORE] = store
    app.extensions[PAUSED_UNTIL] = 0.0


def fragment_key(name: str, reader: str, counters: dict[str, int], seconds: int | None) -> str:
    parts = [name, reader, str(get_locale()), current_app.config["VERSION"], repr(sorted(counters.items()))]
    if seconds:
        parts.append(str(int(utcnow().timestamp()) // seconds))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def cached_fragment(key: str, render: Callable[[], str | None]) -> Markup | None:
    """The HTML kept under `key`, or `render()`'s, kept for the next request. A part that has nothing to
    show (None) is remembered as such, so declining is as cheap as showing."""
    html = _kept(key, lambda: str(render() or ""), LIFETIME_SECONDS)
    return Markup(html) if html else None


def kept_for_the_day(name: str, compute: Callable[[], object]):
    """`compute()`'s value, worked out once a day (office time) and kept: for figures that are, by their
    definition, those of yesterday's close, so no write made today can change them."""
    key = hashlib.blake2b(f"{name}\x1f{today()}\x1f{current_app.config['VERSION']}".encode(),
                          digest_size=16).hexdigest()
    return _kept(key, compute, DAY_SECONDS)


def _kept(key: str, compute: Callable[[], object], timeout: int):
    if time.monotonic() < current_app.extensions[PAUSED_UNTIL]:
        return compute()
    store: BaseCache = current_app.extensions[STORE]
    try:
        found = store.get(key)
    except Exception:  # a store that cannot answer costs the work, never the page
        _pause()
        return compute()
    if found is not None:
        return found
    found = compute()
    try:
        store.set(key, found, timeout=timeout)
    except Exception:
        _pause()
    return found


def _pause() -> None:
    current_app.extensions[PAUSED_UNTIL] = time.monotonic() + PAUSE_SECONDS
    current_app.logger.warning("fragment store unavailable; pages are drawn without it for %d s", PAUSE_SECONDS,
                               exc_info=True)
