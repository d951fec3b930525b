"""One glossary in every Chinese catalog (issue 13): the same thing is called the same everywhere, and the
catalogs carry the terms as translator comments so the next translation keeps them."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = sorted(ROOT.glob("app/**/translations/zh_Hans_CN/LC_MESSAGES/messages.po"))


def _catalog(feature: str):
    path = ROOT / "app" / feature / "translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-5])
def test_no_catalog_uses_the_words_the_glossary_replaced(path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        for text in _strings(message):
            assert "详细内容" not in text and "详细说明" not in text, message.id


def test_urgency_reads_the_same_in_repairs_and_meetings():
    repairs, meetings = _catalog("repairs"), _catalog("meetings")
    assert [repairs[m].string for m in ("Emergency / safety", "Urgent", "Normal")] == ["紧急", "较急", "一般"]
    assert [meetings[m].string for m in ("urgent", "high", "normal")] == ["紧急", "较急", "一般"]
    assert any("Glossary" in c for c in repairs["Urgent"].user_comments)


def test_the_person_answerable_is_the_same_word_and_details_is_xiangqing():
    assert _catalog("meetings")["Owner"].string == "责任人"
    assert _catalog("visits")["Responsible"].string == "责任人"
    assert _catalog("suggestions")["Details"].string == _catalog("meetings")["Details"].string == "详情"


def test_the_office_page_has_no_two_answer_headings():
    suggestions = _catalog("suggestions")
    assert suggestions["Answers"].string != suggestions["Answer"].string
