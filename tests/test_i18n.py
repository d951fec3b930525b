"""Both languages are complete: every message in every catalog has a Chinese translation."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.auth.roles import Role

ROOT = Path(__file__).resolve().parents[1]
CHINESE = sorted(ROOT.glob("app/**/translations/zh_Hans_CN/LC_MESSAGES/messages.po"))
TEMPLATES = sorted(ROOT.glob("app/**/translations/messages.pot"))


def _text(value):
    return value if isinstance(value, str) else " ".join(v or "" for v in value)


def test_there_is_a_chinese_catalog_for_every_template():
    assert CHINESE and len(CHINESE) == len(TEMPLATES)


@pytest.mark.parametrize("po_path", CHINESE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_a_chinese_translation(po_path):
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and (not _text(m.string).strip() or m.fuzzy)]
    assert not missing, f"{len(missing)} untranslated or fuzzy in {po_path.name}: {missing[:10]}"


@pytest.mark.parametrize("pot_path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_catalog_holds_every_message_of_its_template(pot_path):
    with pot_path.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with (pot_path.parent / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert wanted <= have, f"run `make i18n-extract`: missing {sorted(wanted - have)[:10]}"


def _source_messages(folders) -> set[str]:
    """What `make i18n-extract` would find in these folders, read with the project's babel.cfg."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for folder in folders:
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map, options_map, keywords=keywords):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("pot_path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_in_the_code_is_in_its_chinese_catalog(pot_path):
    """A string added to a template or view without `make i18n-extract` would show in English only."""
    feature = pot_path.parent.parent.name
    folders = ["app", "templates"] if feature == "app" else [f"app/{feature}", f"templates/{feature}"]
    with (pot_path.parent / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    missing = sorted(_source_messages(folders) - have)
    assert not missing, f"run `make i18n-extract` and translate: {missing[:10]}"


def test_a_chinese_reader_sees_chinese_pages(client, login_as):
    login_as(locale="zh_CN")
    page = client.get("/notifications/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "通知" in page and "Notifications" not in page


def test_an_english_reader_sees_english_pages(client, login_as):
    login_as(locale="en")
    page = client.get("/notifications/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Mark all as read" in page


def test_times_are_shown_in_the_office_time_zone(app):
    from datetime import datetime

    from flask_babel import force_locale

    from app.i18n import local_time
    with app.test_request_context(), force_locale("en"):
        # 01:30 UTC is 09:30 in Shanghai.
        assert "9:30" in local_time(datetime(2026, 11, 22, 1, 30))


# Found when this check was written (issue 13 item 14). On a feature's own pages its own word wins (see
# the test below), so these now differ only where one feature's strings show outside its pages (home
# cards, messages rendered by `flask tick`): known, to fix by giving one side its own msgid; the list may
# only shrink, and a new disagreement fails at once.
KNOWN_DISAGREEMENTS = {
    "Note", "Start work", "Assign", "Open", "History", "From", "Upcoming", "Room", "In use",
    "Name", "Filed", "Taken", "Waiting", "Completed", "This step is not possible now: the request is “%(status)s”.",
    "Saved: the request is now “%(status)s”.", "In progress", "Done", "Take it", "Cancel request",
    "What you can do", "answered %(when)s", "Timeline", "Answer", "Remove", "Show",
    "not in use", "Reception",
}


def test_one_english_message_reads_the_same_in_every_chinese_catalog():
    """The catalogs are merged at run time (the last feature's word wins), so a msgid translated two ways
    shows the wrong word on one feature's pages (e.g. "Owner": 责任人 for tasks, but 接待负责人 from
    visits). A word that needs another rendering gets its own msgid ("Visit owner")."""
    seen: dict[str, dict[str, str]] = {}
    for po_path in CHINESE:
        with po_path.open("rb") as fh:
            for message in read_po(fh):
                if message.id and _text(message.string).strip():
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    seen.setdefault(key, {})[_text(message.string)] = str(po_path.relative_to(ROOT))
    disagreements = {msgid: renderings for msgid, renderings in seen.items()
                     if len(renderings) > 1 and msgid not in KNOWN_DISAGREEMENTS}
    assert not disagreements, f"{len(disagreements)} msgids translated differently: {list(disagreements.items())[:5]}"
    assert "Owner" in seen and "Owner" not in KNOWN_DISAGREEMENTS
    fixed = sorted(m for m in KNOWN_DISAGREEMENTS if len(seen.get(m, {})) < 2)
    assert not fixed, f"fixed, take them off KNOWN_DISAGREEMENTS: {fixed}"


def test_each_feature_shows_its_own_word(app, client, login_as):
    """"Room" is 房间 (a place to repair) in repairs and 会议室 (visits' export); whichever catalog was merged
    last used to win on every page, so the form for a place to repair asked for a 会议室."""
    login_as(Role.OFFICE, locale="zh_CN")
    repair_form = client.get("/repairs/locations").get_data(as_text=True)
    assert re.search(r'<label for="room">\s*房间', repair_form), "the repair location form's room field"
    from app.i18n import translations
    for path, word in (("/repairs/new", "房间"), ("/visits/today", "会议室"), ("/actions/", "下一页")):
        # a fresh app context each: the request's catalog is kept in `g`, as in a served request
        with app.app_context(), app.test_request_context(path, headers={"Accept-Language": "zh-CN"}):
            assert translations().gettext("Next" if path == "/actions/" else "Room") == word, path
