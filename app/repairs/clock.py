"""How an SLA clock reads to a person: time left, or how long overdue."""
from datetime import date, datetime, timedelta

from babel.dates import format_skeleton
from flask_babel import format_timedelta, get_locale, ngettext
from flask_babel import gettext as _

from .models import Urgency
from .sla import fix_left_at_pause, rule


def clock_text(due: datetime, now: datetime) -> str:
    """'2 hours left' or 'overdue by 3 days', rounded the way people say it."""
    left = due - now
    span = format_timedelta(abs(left), granularity="minute", threshold=1.5)
    if left >= timedelta():
        return _("%(span)s left", span=span)
    return _("overdue by %(span)s", span=span)


def paused_clock_text(repair) -> str:
    """While a request waits its fix clock stands still: say what was left when it stopped."""
    if repair.waiting_since is None:
        return _("Fix clock paused while waiting")
    left, working = fix_left_at_pause(repair.urgency, repair.fix_due, repair.waiting_since)
    span = format_timedelta(abs(left), granularity="minute", threshold=1.5)
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
