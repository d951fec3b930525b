"""Per-row work resolved once per request: the catalog, and date patterns compiled once per language.
The shortcuts must give exactly what flask-babel and Babel give."""
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from flask import render_template_string
from flask_babel import force_locale, gettext, refresh

from app.i18n import local_time
from app.repairs.models import Urgency
from app.timeutil import to_local

FORMATS = ["short", "medium", "long", "full", "HH:mm", "EEE yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy-MM-dd HH:mm",
           "MMM d", "MMMM", "h:mm a", "yy/M/d", "EEEE"]
# Midnight, noon, late evening, across years, months and weekdays, summer and winter.


@contextmanager
def request_in(app, language: str):
    """A request of its own, as in production (flask-babel keeps the language in the app context's `g`)."""
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": language}):
        yield


MOMENTS = [datetime(2026, 1, 1, 0, 0) + timedelta(days=37 * i, hours=5 * i, minutes=7 * i, seconds=i)
           for i in range(40)] + [datetime(2026, 12, 31, 16, 0), datetime(2027, 6, 30, 4, 0)]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_times_read_as_babel_writes_them(app, language):
    with request_in(app, language):
        locale = Locale.parse("en" if language == "en" else "zh_CN")
        for fmt in FORMATS:
            for moment in MOMENTS:
                expected = babel_format_datetime(to_local(moment).replace(tzinfo=None), fmt, locale=locale)
                assert local_time(moment, fmt) == expected, (fmt, moment)


def test_a_pattern_with_a_time_zone_is_left_to_babel(app):
    with request_in(app, "en"):
        moment = datetime(2026, 3, 1, 8, 30)
        expected = babel_format_datetime(to_local(moment).replace(tzinfo=None), "HH:mm zzzz", locale="en")
        assert local_time(moment, "HH:mm zzzz") == expected
        assert local_time(None) == ""


def test_the_kept_catalog_follows_a_forced_language(app):
    """A notification written in its reader's language during someone else's request, then the page."""
    with request_in(app, "en"):
        assert gettext("Please sign in to open this page.") == "Please sign in to open this page."
        with force_locale("zh_CN"):
            assert gettext("Please sign in to open this page.") == "请先登录再打开此页面。"
            chinese = gettext("Urgent")
            assert chinese != "Urgent" and str(Urgency.URGENT.label) == chinese
        assert gettext("Please sign in to open this page.") == "Please sign in to open this page."
        refresh()
        assert str(Urgency.URGENT.label) == "Urgent"


def test_templates_translate_escape_and_count(app):
    with request_in(app, "zh-CN"):
        html = render_template_string('{{ _("Hello, %(name)s", name="<b>王</b>") }}')
        assert html == "&lt;b&gt;王&lt;/b&gt;，您好"
        counted = render_template_string('{{ ngettext("%(num)d visit today", "%(num)d visits today", 3) }}')
        assert counted == "今天 3 批来访"
    with request_in(app, "en"):
        assert render_template_string('{{ ngettext("%(num)d visit today", "%(num)d visits today", 1) }}') \
            == "1 visit today"
        assert render_template_string('{% trans n=2 %}{{ n }} items{% endtrans %}') == "2 items"


def test_outside_a_request_strings_stay_as_written(app):
    assert gettext("Please sign in to open this page.") in ("Please sign in to open this page.",
                                                            "请先登录再打开此页面。")
