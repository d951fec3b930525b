"""The department satisfaction survey out of 100: the office opens a round, the people asked answer once and
anonymously (a database diff proves nothing links an answer to a person), a department's result shows only
from SURVEY_MIN_ANSWERS answers on, and the trend across rounds is drawn as an inline SVG."""
from datetime import date, datetime

from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Notification
from app.revisions import Revision
from app.satisfaction import surveys
from app.satisfaction.models import SurveyAnswer, SurveyInvite, SurveyRound, SurveyScore
from tests.requests.conftest import sign_in


def _snapshot() -> dict:
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: {tuple(repr(v) if isinstance(v, dict | list) else v for v in row)
                             for row in connection.execute(select(table))}
                for table in db.metadata.sorted_tables if table.name != "revisions"}


def _open(office, people, title="2026 Q4", questions=("会议组织", "文件处理")):
    return surveys.open_round(office, title=title, period_start=date(2026, 10, 1), period_end=date(2026, 12, 31),
                              questions=list(questions), logins=[p.login for p in people])


def _answer(round_, person, scores, comment=""):
    surveys.answer(round_, person, dict(zip([q.id for q in round_.questions], scores, strict=True)), comment)


def test_the_office_opens_a_round_and_everyone_asked_is_told(client, make_user, make_department):
    office = make_user(Role.OFFICE)
    sales = make_department(code="SALES", name_en="Sales")
    people = [make_user(department=sales) for _n in range(3)]
    sign_in(client, office)
    form = client.get("/satisfaction/surveys/new").get_data(as_text=True)
    assert "How satisfied are you with how visitors are received?" in form
    response = client.post("/satisfaction/surveys/new", data={
        "title": "2026 四季度", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "questions": "会议组织\n文件处理\n后勤保障", "respondents": "\n".join(p.login for p in people)})
    assert response.status_code == 303
    round_ = db.session.scalar(select(SurveyRound))
    assert [q.text for q in round_.questions] == ["会议组织", "文件处理", "后勤保障"]
    told = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(told) == sorted(p.id for p in people)


def test_bad_input_gets_field_errors_and_keeps_the_text(client, make_user):
    sign_in(client, make_user(Role.OFFICE))
    response = client.post("/satisfaction/surveys/new", data={
        "title": "四季度", "period_start": "2026-10-01", "period_end": "2026-09-01",
        "questions": "会议组织", "respondents": "nobody-here"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No active person has the login: nobody-here" in page and "会议组织" in page
    assert "The period ends before it starts." in page
    assert db.session.scalars(select(SurveyRound)).all() == []


def test_an_answer_names_nobody_and_is_counted_once(app, client, make_user, make_department):
    office = make_user(Role.OFFICE)
    secret = make_department(code="SECRETDEPT", name_en="Secret")
    person = make_user(department=secret, name="王匿名", login="wang-anon")
    round_ = _open(office, [person, make_user(department=secret)])
    sign_in(client, person)
    page = client.get(f"/satisfaction/surveys/{round_.id}/answer").get_data(as_text=True)
    assert "会议组织" in page and "Anonymous" in page
    before = _snapshot()
    counters = dict(db.session.execute(select(Revision.topic, Revision.n)).all())
    response = client.post(f"/satisfaction/surveys/{round_.id}/answer",
                           data={f"q{round_.questions[0].id}": "4", f"q{round_.questions[1].id}": "2",
                                 "comment": "文件流转太慢"})
    assert response.status_code == 303
    after = _snapshot()
    changed = {name for name in after if after[name] != before[name]}
    # The invite's flag, the answer and its scores: no notification, history or form-token row.
    assert changed == {"survey_invites", "survey_answers", "survey_scores"}
    assert {t for t, n in db.session.execute(select(Revision.topic, Revision.n)) if counters.get(t) != n} \
        == {"satisfaction"}
    (answer,) = after["survey_answers"] - before["survey_answers"]
    record = dict(zip([c.name for c in SurveyAnswer.__table__.columns], answer, strict=True))
    assert set(record) == {"id", "round_id", "department_id", "comment"}  # no person, no time
    assert record["id"] not in (person.id, 1) and record["id"] >= 10**11  # a random id, not a sequence
    identifying = {person.id, person.login, person.name}
    for row in after["survey_answers"] | after["survey_scores"]:
        assert not any(isinstance(v, datetime) for v in row)
        assert not (set(row) & identifying) or row[0] == record["id"]
    for column in (*SurveyAnswer.__table__.columns, *SurveyScore.__table__.columns):
        assert not column.foreign_keys or all(fk.column.table.name != "users" for fk in column.foreign_keys)
    # The invite says only "has answered": the same for both answers' authors once both have answered.
    assert db.session.get(SurveyInvite, (round_.id, person.id)).answered
    again = client.post(f"/satisfaction/surveys/{round_.id}/answer",
                        data={f"q{round_.questions[0].id}": "1", f"q{round_.questions[1].id}": "1"})
    assert again.status_code == 200 and "Thank you: your answer is counted." in again.get_data(as_text=True)
    assert len(db.session.scalars(select(SurveyAnswer)).all()) == 1


def test_answers_are_stored_in_no_particular_order(app, make_user, make_department):
    office = make_user(Role.OFFICE)
    team = make_department(code="TEAM")
    people = [make_user(department=team) for _n in range(6)]
    round_ = _open(office, people)
    for person in people:
        _answer(round_, person, (3, 3))
    ids = sorted(a for (a,) in db.session.execute(select(SurveyAnswer.id)))
    # Random twelve-digit keys (SQLite's rowid too), not a sequence that would follow the answering order.
    assert len(set(ids)) == 6 and all(i >= 10**11 for i in ids) and ids != list(range(ids[0], ids[0] + 6))


def test_only_the_people_asked_answer_and_a_missing_score_is_explained(client, make_user):
    office, asked, other = make_user(Role.OFFICE), make_user(), make_user()
    round_ = _open(office, [asked])
    sign_in(client, other)
    assert client.get(f"/satisfaction/surveys/{round_.id}/answer").status_code == 404
    sign_in(client, asked)
    response = client.post(f"/satisfaction/surveys/{round_.id}/answer",
                           data={f"q{round_.questions[0].id}": "5", "comment": "留着我的话 keep my words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This field is required." in page and "keep my words" in page
    assert db.session.scalars(select(SurveyAnswer)).all() == []


def test_index_per_department_only_from_the_minimum_and_the_trend(app, client, make_user, make_department):
    app.config["SURVEY_MIN_ANSWERS"] = 3
    office = make_user(Role.OFFICE)
    sales, tech = make_department(code="SALES", name_en="Sales"), make_department(code="TECH", name_en="Tech")
    sellers = [make_user(department=sales) for _n in range(3)]
    techie = make_user(department=tech)
    first = _open(office, [*sellers, techie], title="2026 Q3")
    for person, scores in zip(sellers, [(5, 5), (4, 4), (3, 3)], strict=True):
        _answer(first, person, scores, comment=f"意见 {person.id}")
    _answer(first, techie, (1, 1), comment="技术部的意见")
    result = surveys.result(first)
    # Sales: scores 5,5,4,4,3,3 → points 100,100,75,75,50,50 → 75. All: + 0,0 → 56.25.
    assert result.answers == 4 and result.asked == 4 and result.index == 56.25
    assert [(str(d), n, i) for d, n, i in result.departments] == [("Sales", 3, 75.0), ("Tech", 1, None)]
    assert [i for _q, i in result.questions] == [56.25, 56.25]
    assert len(result.comments) == 4

    second = _open(office, sellers, title="2026 Q4")
    for person in sellers:
        _answer(second, person, (5, 4))
    assert [(r.title, i) for r, i in surveys.trend()] == [("2026 Q3", 56.25), ("2026 Q4", 87.5)]
    sign_in(client, office)
    page = client.get("/satisfaction/surveys").get_data(as_text=True)
    assert "<svg" in page and "<polyline" in page and "2026 Q3 56 · 2026 Q4 88" in " ".join(page.split())
    detail = client.get(f"/satisfaction/surveys/{first.id}").get_data(as_text=True)
    assert "Satisfaction index: 56/100" in detail and "Sales: <strong>75/100</strong>" in detail
    assert "fewer than 3 answers: not shown" in detail and "技术部的意见" in detail


def test_comments_are_hidden_below_the_minimum(app, client, make_user):
    office, person = make_user(Role.OFFICE), make_user()
    round_ = _open(office, [person])
    _answer(round_, person, (2, 2), comment="只有我一个人 only me")
    sign_in(client, office)
    page = client.get(f"/satisfaction/surveys/{round_.id}").get_data(as_text=True)
    assert "only me" not in page and "Results show once at least 5 people have answered." in page
