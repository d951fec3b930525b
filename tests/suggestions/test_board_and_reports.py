"""The public board and "me too", the satisfaction card, and the weekly digest in three formats."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import reports
from app.suggestions.models import MeToo, Rating
from app.timeutil import day_bounds, today
from tests import PARTIAL
from tests.conftest import PASSWORD


def test_board_shows_answers_never_authors(client, login_as, make_suggestion, make_user, publish):
    author = make_user(name="孙作者")
    suggestion = make_suggestion(author, title="增加夜宵")
    make_suggestion(author, title="不公开的")
    publish(suggestion, "resolved", "夜宵已安排。")
    suggestion.on_board = True
    db.session.commit()
    login_as()
    page = client.get("/suggestions/board").get_data(as_text=True)
    assert "增加夜宵" in page and "夜宵已安排。" in page
    assert "孙作者" not in page and "不公开的" not in page


def test_me_too_counts_once_per_person(client, login_as, make_suggestion):
    suggestion = make_suggestion(None, title="会议室太少")
    suggestion.on_board = True
    db.session.commit()
    login_as()
    first = client.post(f"/suggestions/{suggestion.id}/me-too", headers=PARTIAL).get_data(as_text=True)
    second = client.post(f"/suggestions/{suggestion.id}/me-too", headers=PARTIAL).get_data(as_text=True)
    assert f'id="me-too-{suggestion.id}"' in first and "<nav" not in first
    assert 'class="me-too-count">1<' in first and 'class="me-too-count">1<' in second and "disabled" in second
    client.post("/logout")
    login_as()
    client.post(f"/suggestions/{suggestion.id}/me-too")
    assert db.session.scalar(select(func.count()).select_from(MeToo)) == 2


def test_me_too_thanks_arrive_with_the_swapped_button(client, login_as, make_suggestion):
    suggestion = make_suggestion(None, title="电梯太慢")
    suggestion.on_board = True
    db.session.commit()
    login_as()
    first = client.post(f"/suggestions/{suggestion.id}/me-too", headers=PARTIAL).get_data(as_text=True)
    assert f'id="me-too-{suggestion.id}"' in first
    assert 'hx-target="#flash"' in first and "Counted. Thank you!" in first
    again = client.post(f"/suggestions/{suggestion.id}/me-too", headers=PARTIAL).get_data(as_text=True)
    assert 'hx-target="#flash"' in again and "already said" in again
    assert "Counted" not in client.get("/suggestions/board").get_data(as_text=True)  # shown once, not kept


def test_me_too_is_unique_in_the_database(app, make_suggestion, make_user):
    suggestion, user = make_suggestion(None), make_user()
    db.session.add_all([MeToo(suggestion_id=suggestion.id, user_id=user.id),
                        MeToo(suggestion_id=suggestion.id, user_id=user.id)])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_me_too_only_on_the_board(client, login_as, make_suggestion):
    suggestion = make_suggestion(None)
    login_as()
    assert client.post(f"/suggestions/{suggestion.id}/me-too").status_code == 404


def test_card_shows_satisfaction_and_on_time_share(client, login_as, make_suggestion, publish):
    on_time = make_suggestion(None)
    publish(on_time, "resolved", "好")
    late = make_suggestion(None, days_ago=12)
    late.created_at = day_bounds(today())[0]
    db.session.add(Rating(suggestion_id=on_time.id, score=4, rated_on=today()))
    db.session.add(Rating(suggestion_id=late.id, score=5, rated_on=today()))
    db.session.commit()
    this_month, _last = reports.card_figures()
    assert this_month.average == 4.5 and this_month.ratings == 2
    assert this_month.on_time_share == 0.5
    login_as(Role.OFFICE)
    page = client.get("/").get_data(as_text=True)
    assert "4.5/5" in page and "50%" in page
    client.post("/logout")
    login_as()
    assert "Satisfaction" not in client.get("/").get_data(as_text=True)


def test_digest_opens_on_the_current_week_and_counts_by_category_and_status(
        client, login_as, make_suggestion, categories):
    day = today()
    last_monday = day - timedelta(days=day.weekday() + 7)
    in_week = make_suggestion(None, title="上周一的", category=categories[0])
    in_week.created_at = day_bounds(last_monday)[0]
    make_suggestion(None, title="今天录入的纸条")
    db.session.commit()
    login_as(Role.OFFICE)
    page = client.get("/suggestions/digest").get_data(as_text=True)
    assert "今天录入的纸条" in page and "上周一的" not in page  # a slip typed today is in it
    page = client.get(f"/suggestions/digest?week={last_monday.isoformat()}").get_data(as_text=True)
    assert "上周一的" in page and "今天录入的纸条" not in page and "Work environment" in page
    assert client.get("/suggestions/digest?week=garbage").status_code == 200


def test_digest_downloads_as_csv_and_xlsx(client, login_as, make_suggestion, categories):
    suggestion = make_suggestion(None, title="=HYPERLINK(\"http://evil\")", category=categories[1])
    suggestion.created_at = day_bounds(reports.week_start())[0]
    db.session.commit()
    login_as(Role.OFFICE)
    response = client.get("/suggestions/digest.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Canteen and meals", "1", "0", "0", "0", "0", "0", "1"] in rows
    assert any(cell.startswith("'=HYPERLINK") for r in rows for cell in r)
    book = load_workbook(io.BytesIO(client.get("/suggestions/digest.xlsx").data))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Canteen and meals" in values


def test_the_digest_page_is_paged_and_the_print_page_lists_the_whole_week(
        client, login_as, make_suggestion, count_queries):
    monday = reports.week_start()
    for n in range(60):  # more than a page of the digest's list
        suggestion = make_suggestion(None, title=f"第{n:02d}条建议")
        suggestion.created_at = day_bounds(monday)[0] + timedelta(minutes=n)
    db.session.commit()
    login_as(Role.OFFICE)
    page = client.get("/suggestions/digest").get_data(as_text=True)
    assert "第00条建议" in page and "第59条建议" not in page and 'class="pager"' in page
    assert "60 suggestions received" in page  # the counts are the whole week's
    second = client.get("/suggestions/digest?page=2", headers=PARTIAL).get_data(as_text=True)
    assert "第25条建议" in second and "第00条建议" not in second and "第59条建议" not in second
    last = client.get("/suggestions/digest?page=3", headers=PARTIAL).get_data(as_text=True)
    assert "第59条建议" in last and "第49条建议" not in last
    printed = client.get(f"/suggestions/digest/print?week={monday.isoformat()}").get_data(as_text=True)
    assert all(f"第{n:02d}条建议" in printed for n in range(60)) and 'class="pager"' not in printed
    with count_queries() as few:
        client.get("/suggestions/digest/print")
    for n in range(60, 90):
        suggestion = make_suggestion(None, title=f"第{n:02d}条建议")
        suggestion.created_at = day_bounds(monday)[0]
    db.session.commit()
    with count_queries() as many:
        assert "第89条建议" in client.get("/suggestions/digest/print").get_data(as_text=True)
    assert few.count == many.count


def test_the_digest_table_puts_the_total_first_and_scrolls_by_keyboard(client, login_as, make_suggestion):
    make_suggestion(None, title="本周的")
    login_as(Role.OFFICE)
    page = client.get("/suggestions/digest").get_data(as_text=True)
    assert 'tabindex="0" role="region" aria-labelledby="digest-table-caption"' in page
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert head.index("Total") < head.index("New")


def test_digest_page_is_printable(client, login_as):
    login_as(Role.OFFICE)
    page = client.get("/suggestions/digest").get_data(as_text=True)
    assert "suggestions.css" in page
    fragment = client.get("/suggestions/digest?page=1", headers=PARTIAL)
    assert 'id="digest-list"' in fragment.get_data(as_text=True)


def test_the_author_of_a_named_suggestion_sees_how_many_said_me_too(client, login_as, make_suggestion, make_user):
    author = make_user(name="周作者", login="zhou")
    suggestion = make_suggestion(author, title="增加自行车棚")
    suggestion.on_board = True
    db.session.commit()
    for n in range(3):
        db.session.add(MeToo(suggestion_id=suggestion.id, user_id=make_user(login=f"colleague{n}").id))
    db.session.commit()
    client.post("/login", data={"login": "zhou", "password": PASSWORD})
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "3 colleagues said “me too”." in page
