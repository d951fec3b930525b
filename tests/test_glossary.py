"""One glossary in every Chinese catalog (issue 13): the same thing is called the same everywhere, and every
catalog carries the terms as translator comments so the next translation keeps them. Each check walks every
catalog, so a new feature's catalog cannot drift either."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(ROOT.glob("app/**/translations/zh_Hans_CN/LC_MESSAGES/messages.po"))

# Wherever a catalog carries one of these messages, it reads as the glossary says.
GLOSSARY = {
    "Details": "详情",
    "Emergency / safety": "紧急", "Urgent": "较急", "Normal": "一般",  # repairs' urgency
    "urgent": "紧急", "high": "较急", "normal": "一般",  # meetings' urgency
    "Owner": "责任人", "Responsible": "责任人", "Responsible person": "责任人", "Assigned to": "责任人",
    "Host": "接待人", "Visit owner": "接待负责人",
}
# Words the glossary replaced: 详细内容 / 详细说明 for 详情, and a bare 负责人 (a visit's owner is 接待负责人,
# anyone else answerable is 责任人).
REPLACED = re.compile(r"详细内容|详细说明|(?<!接待)负责人")
# What each catalog's header states for its translators (pybabel update keeps a catalog's header comment).
HEADER_TERMS = ("详情", "紧急 · 较急 · 一般", "责任人", "接待人", "接待负责人", "答复记录", "写答复")


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _name(path: Path) -> str:
    return path.parts[-5] if path.parts[-5] != "app" else "core"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_no_catalog_uses_the_words_the_glossary_replaced(path):
    for message in _read(path):
        for text in _strings(message):
            assert not REPLACED.search(text), f"{message.id!r} reads {text!r}"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_every_catalog_says_the_glossary_terms_as_the_glossary_does(path):
    catalog = _read(path)
    for msgid, word in GLOSSARY.items():
        if catalog.get(msgid) is not None:
            assert catalog[msgid].string == word, f"{msgid!r} reads {catalog[msgid].string!r}, not {word}"


@pytest.mark.parametrize("path", CATALOGS, ids=_name)
def test_every_catalog_carries_the_glossary_for_its_translators(path):
    header = _read(path).header_comment
    assert "# Glossary" in header
    for term in HEADER_TERMS:
        assert term in header, term


def test_the_office_page_has_no_two_answer_headings():
    suggestions = _read(ROOT / "app/suggestions/translations/zh_Hans_CN/LC_MESSAGES/messages.po")
    assert suggestions["Answers"].string != suggestions["Answer"].string
