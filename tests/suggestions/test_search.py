"""The triage search reads the grams index and matches exactly what LIKE over title and details matches."""
import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.search_grams import SearchGram
from app.suggestions import queries
from app.suggestions.models import Suggestion

TEXTS = [("食堂晚餐太早结束 🍜", "七点就关门了。"), ("Air-Con too COLD in Room 301", "please fix ASAP"),
         ("打印机 100% 卡纸", "under_score and back\\slash C:\\temp"), ("ΑΣ ΣΟΦΙΑ", "İstanbul office"),
         ("Ärger über Lärm", "emoji 😀😀 twice"), ("食", "x")]
QUERIES = ["食", "食堂", "堂晚", "晚餐太早结束", "🍜", "😀", "😀😀", "air", "AIR-con", "cold in", "room 301", "301",
           "0%", "100%", "%", "_", "r_s", "\\", "c:\\t", "σ", "Σ", "ς", "i", "İ", "ist", "ä", "Ä", "über", "ÜBER",
           "x", "q", "食堂晚餐太早结束 🍜", "七点就关门了。", "n a", "Lärm", "ARGER"]


@pytest.fixture
def varied(make_suggestion):
    return [make_suggestion(None, title=title, details=details) for title, details in TEXTS]


def _ids(condition) -> set[int]:
    return set(db.session.scalars(select(Suggestion.id).where(condition)))


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_matches_exactly_what_like_matches(varied, q):
    assert _ids(queries.text_filter(q)) == _ids(queries.text_like(q))


def test_the_varied_texts_are_found(varied):
    """The comparison above is not of empty sets."""
    assert _ids(queries.text_filter("食")) == {varied[0].id, varied[5].id}
    assert _ids(queries.text_filter("AIR-con")) == {varied[1].id}
    assert _ids(queries.text_filter("0%")) == {varied[2].id}
    assert _ids(queries.text_filter("😀😀")) == {varied[4].id}


def test_a_new_suggestion_is_found_at_once_and_its_grams_are_its_texts(client, login_as, make_suggestion):
    login_as(Role.OFFICE)
    assert "No suggestion matches" in client.get("/suggestions/triage?q=空调").get_data(as_text=True)
    filed = make_suggestion(None, title="空调太冷", details="三楼")
    page = client.get("/suggestions/triage?q=空调").get_data(as_text=True)
    assert "空调太冷" in page and "1 suggestion" in page
    grams = set(db.session.scalars(select(SearchGram.gram).where(SearchGram.kind == "suggestion",
                                                                 SearchGram.row_id == filed.id)))
    assert grams == {"空", "调", "太", "冷", "空调", "调太", "太冷", "三", "楼", "三楼"}


def test_an_anonymous_authors_name_is_never_searchable(client, login_as, make_user, make_suggestion):
    author = make_user(Role.EMPLOYEE, name="欧阳娜娜")
    make_suggestion(author, anonymous=True, title="匿名的意见")
    login_as(Role.OFFICE)
    assert "No suggestion matches" in client.get("/suggestions/triage?q=欧阳").get_data(as_text=True)


@pytest.mark.parametrize("sort_after", [queries.SORT_AFTER, 1], ids=["sorted", "walked in order"])
def test_the_count_and_pages_follow_the_newest_matches(client, login_as, make_suggestion, monkeypatch, sort_after):
    """Both ways of finding a page (few matches sorted, many found walking the list) give the same page."""
    monkeypatch.setattr(queries, "SORT_AFTER", sort_after)
    for n in range(queries.PAGE_SIZE + 2):
        make_suggestion(None, title=f"会议室 {n:02d}", days_ago=n)
    make_suggestion(None, title="别的")
    login_as(Role.OFFICE)
    first = client.get("/suggestions/triage?q=会议").get_data(as_text=True)
    assert "27 suggestions" in first and "会议室 00" in first and "会议室 26" not in first
    second = client.get("/suggestions/triage?q=会议&page=2").get_data(as_text=True)
    assert "会议室 26" in second and "会议室 00" not in second
    new_ones = client.get("/suggestions/triage?status=new&q=室").get_data(as_text=True)
    assert "27 suggestions" in new_ones and "会议室 00" in new_ones


def test_a_status_change_moves_the_suggestion_between_the_filtered_searches(client, login_as, make_suggestion,
                                                                           publish):
    """The grams keep the status (a filtered search reads them alone): an answer that changes it must move them."""
    suggestion = make_suggestion(None, title="电梯很慢")
    login_as(Role.OFFICE)
    assert "电梯很慢" in client.get("/suggestions/triage?status=new&q=电梯").get_data(as_text=True)
    publish(suggestion, "in_progress", "在修")
    assert "No suggestion matches" in client.get("/suggestions/triage?status=new&q=电梯").get_data(as_text=True)
    assert "电梯很慢" in client.get("/suggestions/triage?status=in_progress&q=电梯").get_data(as_text=True)
    assert "电梯很慢" in client.get("/suggestions/triage?status=in_progress&q=电梯很慢").get_data(as_text=True)
