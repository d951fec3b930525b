"""Cache-busting URLs for our own static files."""
import hashlib
from functools import lru_cache, wraps
from pathlib import Path

from flask import current_app, url_for


@lru_cache(maxsize=64)
def _digest(path: str, _mtime: float) -> str:
    """The file's content hash. `_mtime` is unused in the body on purpose: it is part of the cache key,
    so an edited file is hashed again."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """url_for('static') plus a content hash, so browsers may cache the file for a year."""
    return url_for("static", filename=filename, v=_version(filename))


def _version(filename: str) -> str:
    """The file's hash. Outside debug mode the files do not change while the app runs, so it is looked up
    once per process instead of with two system calls for each of a page's dozen links."""
    versions = current_app.extensions.setdefault("officehub_static_versions", {})
    if filename in versions and not current_app.debug:
        return versions[filename]
    path = Path(current_app.static_folder) / filename
    versions[filename] = _digest(str(path), path.stat().st_mtime) if path.exists() else "0"
    return versions[filename]


def _buffered(static_view):
    """Flask streams static files, and Flask-Compress gzips only buffered bodies; our files are small."""
    @wraps(static_view)
    def view(filename):
        response = static_view(filename=filename)
        response.direct_passthrough = False
        response.make_sequence()
        return response
    return view


def register_assets(app, *filenames: str) -> None:
    """A feature's own CSS and JS files, linked from every page's <head>.

    Per-page <head> links do not work with hx-boost: htmx swaps only the <body>, so a feature page
    reached from the menu would come without its styles. The files are small and cached for a year."""
    app.extensions.setdefault("officehub_assets", []).extend(filenames)


def feature_assets(kind: str) -> list[str]:
    return [name for name in current_app.extensions.get("officehub_assets", []) if name.endswith(kind)]


def init_app(app) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["feature_assets"] = feature_assets
    app.view_functions["static"] = _buffered(app.view_functions["static"])
