"""Language and time-zone choice for each request, and the template filters that use them.

A list page calls gettext and formats times once per row (a thousand calls on a board), so both are
resolved once: the request's merged catalog is kept beside flask-babel's own per-request state
(`translations()`), and each date pattern is compiled once per language into a small formatter
(`local_time`), with Babel's own output wherever a pattern has a field the formatter doesn't know.
"""
import copy
import re
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from babel import Locale, dates, support
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, format_datetime, get_domain, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from app.extensions import babel
from app.timeutil import office_tz, to_local

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


def translations():
    """This request's catalog, looked up once: flask-babel finds it again on every call (three context
    lookups and the locale's name built anew), which a list page does a thousand times. The copy is kept
    with the locale it was found for, so `force_locale` (a notification in the reader's language) and
    `refresh()` are still obeyed."""
    try:
        state = g._flask_babel
        kept = state.officehub_catalog
        if kept[0] is state.babel_locale:
            return kept[1]
    except (AttributeError, RuntimeError):  # not looked up yet in this request, or outside any app context
        pass
    return _find_translations()


def _find_translations():
    if not has_app_context():
        return support.NullTranslations()
    found = Domain.get_translations(get_domain())  # flask-babel's own lookup; it sets the state and locale
    state = g._flask_babel
    found = _feature_first(found, state.babel_locale)
    state.officehub_catalog = (state.babel_locale, found)
    return found


def _feature_first(merged, locale):
    """The core catalog's words over the features', and on a feature's pages that feature's own words over
    both. flask-babel merges the catalogs in folder order, the last one overriding, so one feature's word
    showed on every page: "Room" read 会议室 (visits) in the repairs form, where it means 房间, and the pager's
    "Next" read 下一步. Kept per language and feature for the life of the process."""
    if not isinstance(merged, support.Translations):
        return merged
    feature = _feature_of_request()
    kept = current_app.extensions.setdefault("officehub_catalogs", {})
    key = (str(locale), feature)
    if key not in kept:
        root = Path(current_app.root_path)
        layers = [_catalog(root / "translations", locale)] + ([_catalog(root / feature / "translations", locale)]
                                                             if feature else [])
        combined = copy.copy(merged)  # the same plural rule and fallbacks, a catalog of its own
        combined._catalog = dict(merged._catalog)
        for layer in layers:
            combined._catalog.update(layer)
        kept[key] = combined
    return kept[key]


def _catalog(folder: Path, locale) -> dict:
    found = support.Translations.load(str(folder), [locale])
    return found._catalog if isinstance(found, support.Translations) else {}


def _feature_of_request() -> str | None:
    """The feature package whose blueprint handles this request ("meetings" for /actions/ too)."""
    if not has_request_context() or not request.blueprint:
        return None
    blueprint = current_app.blueprints.get(request.blueprint)
    parts = blueprint.import_name.split(".") if blueprint else []
    return parts[1] if len(parts) > 2 and parts[0] == "app" else None


class RequestDomain(Domain):
    """flask-babel's domain (what `_`, `_l` and enum labels go through) with the request's catalog kept."""

    def get_translations(self):
        return translations()


# Jinja's newstyle gettext (same behaviour: autoescaped, always %-formatted), without its second
# trip through the template context for every call.
@pass_eval_context
def _gettext(eval_ctx, string, **variables):
    text = translations().ugettext(string)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _ngettext(eval_ctx, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def _install_template_gettext(env) -> None:
    env.install_gettext_callables(gettext=lambda s: translations().ugettext(s), newstyle=True,
                                  ngettext=lambda s, p, n: translations().ungettext(s, p, n),
                                  pgettext=lambda c, s: translations().upgettext(c, s),
                                  npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))
    # `_` (which Jinja looks up as `gettext` again on every call), `gettext` and `ngettext` directly.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)


# Date fields a compiled formatter computes itself; any other field sends the pattern to Babel.
_NUMBERS = {"y": lambda t: t.year, "M": lambda t: t.month, "d": lambda t: t.day, "H": lambda t: t.hour,
            "h": lambda t: t.hour % 12 or 12, "m": lambda t: t.minute, "s": lambda t: t.second}
# Fields whose words depend on one part of the time only: read from Babel once for each value of it.
_WORDS = {"a": (lambda t: t.hour >= 12, [datetime(2001, 1, 1, hour) for hour in (0, 12)]),
          "E": (datetime.weekday, [datetime(2001, 1, day) for day in range(1, 8)]),
          "M": (lambda t: t.month, [datetime(2001, month, 1) for month in range(1, 13)])}
_FORMATTERS: dict = {}


def _number(field: str, moment) -> str:
    value = f"{_NUMBERS[field[0]](moment):0{len(field)}d}"
    return value[-2:] if field == "yy" else value


def _field(field: str, locale: Locale):
    """A function of a time giving one field as Babel writes it, or None when it isn't one of ours."""
    char = field[0]
    if char in _WORDS and (char != "M" or len(field) > 2):
        key, samples = _WORDS[char]
        words = {key(sample): dates.DateTimeFormat(sample, locale)[field] for sample in samples}
        return lambda moment: words[key(moment)]
    if char in _NUMBERS:
        return partial(_number, field)
    return None


def _compile(pattern: str, locale: Locale):
    """A Babel pattern ("yyyy-MM-dd HH:mm") as a function of a naive time, or None."""
    parsed = dates.parse_pattern(pattern)
    fields = {name: _field(name, locale) for name in re.findall(r"%\((\w+)\)s", parsed.format)}
    if None in fields.values():
        return None
    return lambda moment: parsed.format % {name: get(moment) for name, get in fields.items()}


def _formatter(locale: Locale, fmt: str):
    """local_time's formatter for a language and a format, compiled on first use (None: use Babel)."""
    key = (locale, fmt)
    if key not in _FORMATTERS:
        _FORMATTERS[key] = _compile_format(locale, fmt)
    return _FORMATTERS[key]


def _compile_format(locale: Locale, fmt: str):
    if fmt not in ("short", "medium", "long", "full"):
        return _compile(fmt, locale)
    # What babel.dates.format_datetime does with a named format: the language's date and time patterns
    # put together by its date-time pattern.
    date, time = _compile(str(locale.date_formats[fmt]), locale), _compile(str(locale.time_formats[fmt]), locale)
    if date is None or time is None:
        return None
    joined = str(locale.datetime_formats[fmt]).replace("'", "")
    return lambda moment: joined.replace("{0}", time(moment)).replace("{1}", date(moment))


def local_time(moment, fmt: str = "short") -> str:
    """A stored UTC time as the office sees it, in the reader's language."""
    if moment is None:
        return ""
    local = to_local(moment).replace(tzinfo=None)
    locale = get_locale()
    formatter = _formatter(locale, fmt) if locale is not None else None
    if formatter is None:
        return format_datetime(local, fmt, rebase=False)
    return formatter(local)


def clock(fmt: str):
    """`local_time(moment, fmt)` for one page's many times: the same words (its compiled pattern, or Babel
    for a pattern that has none), with the language, the pattern and the time zone looked up once. A list
    of 50 rows with three times each spent a third of each time's cost on those lookups."""
    locale = get_locale()
    formatter = _formatter(locale, fmt) if locale is not None else None
    if formatter is None:
        return lambda moment: local_time(moment, fmt)
    zone = office_tz()

    def formatted(moment) -> str:
        if moment is None:
            return ""
        return formatter(moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None))
    return formatted


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(Path(app.root_path)))
    babel.init_app(app, locale_selector=_selected_locale, timezone_selector=select_timezone)
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    _install_template_gettext(app.jinja_env)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["current_locale_code"] = current_locale_code
