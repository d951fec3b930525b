"""How an SLA clock reads to a person: time left, or how long overdue."""
from datetime import date, datetime, timedelta

from babel.dates import TIMEDELTA_UNITS, format_skeleton
from flask_babel import format_timedelta, get_locale, ngettext
from flask_babel import gettext as _

from .models import Urgency
from .sla import fix_left_at_pause, rule

# Babel words a span from its unit and rounded count alone (e.g. hour, 2): each (language, unit, count) is
# worded by Babel once and kept, since every list row shows a clock and Babel's lookups cost more than the row.
_WORDED: dict = {}


def _rounded(left: timedelta) -> tuple[str, int]:
    """The unit and count format_timedelta(abs(left), granularity="minute", threshold=1.5) words (its rule)."""
    seconds = abs(left.days * 86400 + left.seconds)
    for unit, per_unit in TIMEDELTA_UNITS:
        value = seconds / per_unit
        if value >= 1.5 or unit == "minute":
            return unit, int(round(max(1, value) if unit == "minute" and value > 0 else value))
    raise AssertionError("minute is always reached")  # pragma: no cover


def _span(left: timedelta, locale: str | None = None) -> str:
    # The key and the wording come from the same span: a clock overdue by under a second (-0.4 s is -1 day
    # + 86,399.6 s) rounds to 1 s one way and 0 s the other, and once kept "0 minutes" as the words of every
    # later 1-minute clock in the process.
    span = abs(left)
    key = (locale or str(get_locale()), *_rounded(span))
    worded = _WORDED.get(key)
    if worded is None:
        if len(_WORDED) > 10_000:  # a bound, never reached by real clocks
            _WORDED.clear()
        worded = _WORDED[key] = format_timedelta(span, granularity="minute", threshold=1.5)
    return worded


def clock_text(due: datetime, now: datetime) -> str:
    """'2 hours left' or 'overdue by 3 days', rounded the way people say it."""
    left = due - now
    span = _span(left)
    if left >= timedelta():
        return _("%(span)s left", span=span)
    return _("overdue by %(span)s", span=span)


def clock_words():
    """clock_text for a list's many clocks: the same words, with the language and the two sentences looked up
    once instead of for every row (a gettext and a locale lookup per clock cost more than the words)."""
    locale, left_words, overdue_words = str(get_locale()), _("%(span)s left"), _("overdue by %(span)s")

    def words(due: datetime, now: datetime) -> str:
        left = due - now
        return (left_words if left >= timedelta() else overdue_words) % {"span": _span(left, locale)}
    return words


def paused_clock_text(repair) -> str:
    """While a request waits its fix clock stands still: say what was left when it stopped."""
    if repair.waiting_since is None:
        return _("Fix clock paused while waiting")
    left, working = fix_left_at_pause(repair.urgency, repair.fix_due, repair.waiting_since)
    span = _span(left)
    if left < timedelta():
        return _("Fix clock paused · overdue by %(span)s", span=span)
    if working:
        return _("Fix clock paused · %(span)s of working time left", span=span)
    return _("Fix clock paused · %(span)s left", span=span)


def format_span(span: timedelta | None) -> str:
    """A duration the way people say it ('3 hours'); a dash when there is nothing to measure."""
    if span is None:
        return "—"
    return format_timedelta(span, granularity="minute", threshold=1.5)


def format_day(day: date) -> str:
    """'Mon, Nov 23' / '11月23日周一' for the roster rows."""
    return format_skeleton("MMMEd", day, locale=get_locale())


def sla_lines() -> list[str]:
    """What each urgency promises, from the configured clocks, for the filing form."""
    lines = []
    for urgency in Urgency:
        response, fix, working = rule(urgency)
        lines.append(_("%(urgency)s: first response within %(response)s, fixed within %(fix)s",
                       urgency=urgency.label, response=_span_words(response, working), fix=_span_words(fix, working)))
    return lines


def _span_words(span: timedelta, working: bool) -> str:
    if working and span.days and not span.seconds:
        return ngettext("%(num)d working day", "%(num)d working days", span.days)
    return format_timedelta(span, granularity="minute", threshold=2)
