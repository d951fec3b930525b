"""Language and time-zone choice for each request, and the template filters that use them."""
from pathlib import Path

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import babel
from app.timeutil import to_local

LOCALES = {"zh_CN": "中文", "en": "English"}
_PARSED = {code: Locale.parse(code) for code in LOCALES}
LOGIN_MESSAGE = _l("Please sign in to open this page.")


def select_locale() -> str:
    """The user's saved preference, else the language chosen on the login page, else the browser's."""
    if not has_request_context():  # CLI commands and background jobs
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best in ("zh_CN", "zh"):
        return "zh_CN"
    return best or current_app.config["DEFAULT_LOCALE"]


def _selected_locale() -> Locale:
    """select_locale() as a parsed Locale: Babel parses a name such as 'zh_CN' by scanning every locale
    it knows (about a third of a millisecond), and flask-babel would do that on every request."""
    code = select_locale()
    return _PARSED.get(code) or Locale.parse(code)


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def current_locale_code() -> str:
    """'zh_CN' or 'en' (Babel itself calls Chinese 'zh_Hans_CN')."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def translation_directories(app_root: Path) -> str:
    """The core catalog plus one per feature package, so each feature owns its own strings."""
    dirs = [app_root / "translations"] + sorted(app_root.glob("*/translations"))
    return ";".join(str(d) for d in dirs if d.is_dir())


def local_time(moment, fmt: str = "short") -> str:
    """A stored UTC time as the office sees it, in the reader's language."""
    if moment is None:
        return ""
    return format_datetime(to_local(moment).replace(tzinfo=None), fmt, rebase=False)


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(Path(app.root_path)))
    babel.init_app(app, locale_selector=_selected_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["current_locale_code"] = current_locale_code
