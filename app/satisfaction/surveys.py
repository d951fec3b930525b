"""The department satisfaction survey out of 100: the office opens a round, the people asked answer once,
anonymously, and the result is an index 0–100 per department (shown from SURVEY_MIN_ANSWERS answers on)
and overall, with the trend across rounds.

Answering writes two things in one transaction: the invite's `answered` flag (claimed with a conditional
UPDATE, so a second answer is refused even when two arrive at once) and the answer with its scores, which
carry no person, no time and a random id. Nothing else is written: no notification, no history, no
form-token row.
"""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from app.auth.models import Department, User
from app.errors import Refused
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify

from .models import SurveyAnswer, SurveyInvite, SurveyQuestion, SurveyRound, SurveyScore

MAX_QUESTIONS = 10
DEFAULT_QUESTIONS = (
    _l("How satisfied are you with how the office organises meetings?"),
    _l("How satisfied are you with the office's handling of documents?"),
    _l("How satisfied are you with logistics (canteen, cars, supplies, repairs)?"),
    _l("How satisfied are you with how visitors are received?"),
    _l("How quickly does the office respond to your department's needs?"),
)
# A score of 1–5 as points out of 100: 1 → 0, 3 → 50, 5 → 100.
POINTS = (SurveyScore.score - 1) * 25.0


class SurveyRefused(Refused):
    pass


def min_answers() -> int:
    return int(current_app.config["SURVEY_MIN_ANSWERS"])


def respondents(logins: list[str]) -> list[User]:
    if not logins:
        return list(db.session.scalars(select(User).where(User.active, User.department_id.is_not(None))
                                       .order_by(User.id)))
    found = {u.login: u for u in db.session.scalars(select(User).where(User.login.in_(logins), User.active))}
    unknown = [login for login in logins if login not in found]
    if unknown:
        raise SurveyRefused(_l("No active person has the login: %(logins)s", logins=", ".join(unknown)),
                            field="respondents")
    return list(found.values())


def open_round(user, *, title: str, period_start: date, period_end: date, questions: list[str],
               logins: list[str]) -> SurveyRound:
    """Open a round with its questions and ask its respondents (every department member, or those named)."""
    questions = [q.strip() for q in questions if q.strip()]
    if not questions:
        raise SurveyRefused(_l("Write at least one question."), field="questions")
    if len(questions) > MAX_QUESTIONS or any(len(q) > 300 for q in questions):
        raise SurveyRefused(_l("At most %(num)d questions of up to 300 characters each.", num=MAX_QUESTIONS),
                            field="questions")
    if period_end < period_start:
        raise SurveyRefused(_l("The period ends before it starts."), field="period_end")
    people = respondents(logins)
    if not people:
        raise SurveyRefused(_l("Nobody would be asked."), field="respondents")
    round_ = SurveyRound(title=title.strip(), period_start=period_start, period_end=period_end,
                         created_by_id=user.id,
                         questions=[SurveyQuestion(position=n, text=q) for n, q in enumerate(questions)])
    db.session.add(round_)
    db.session.flush()
    db.session.add_all([SurveyInvite(round_id=round_.id, user_id=p.id) for p in people])
    notify(people, _l("The office asks for your opinion: “%(title)s” (anonymous, a minute).", title=round_.title),
           link=path_for("satisfaction.survey_answer", round_id=round_.id), kind=Kind.GENERAL, commit=False)
    db.session.commit()
    return round_


def invite_of(round_id: int, user) -> SurveyInvite | None:
    return db.session.get(SurveyInvite, (round_id, user.id))


def answer(round_: SurveyRound, user, scores: dict[int, int], comment: str) -> None:
    """Record one anonymous answer. The invite is claimed first; the answer names neither the person nor the time."""
    if round_.status != "open":
        raise SurveyRefused(_l("This survey is closed."))
    if set(scores) != {q.id for q in round_.questions} or any(s not in range(1, 6) for s in scores.values()):
        raise SurveyRefused(_l("Answer every question from 1 to 5."))
    claimed = db.session.execute(update(SurveyInvite).where(
        SurveyInvite.round_id == round_.id, SurveyInvite.user_id == user.id, SurveyInvite.answered.is_(False))
        .values(answered=True)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise SurveyRefused(_l("You have already answered this survey. Thank you!"))
    given = SurveyAnswer(round_id=round_.id, department_id=user.department_id, comment=(comment or "").strip())
    db.session.add(given)
    db.session.flush()
    db.session.add_all([SurveyScore(answer_id=given.id, question_id=q, score=s) for q, s in scores.items()])
    db.session.commit()


def close(round_: SurveyRound) -> None:
    round_.status = "closed"
    db.session.commit()


def rounds() -> list[SurveyRound]:
    return list(db.session.scalars(select(SurveyRound).order_by(SurveyRound.period_start.desc(),
                                                                 SurveyRound.id.desc())))


@dataclass
class Result:
    answers: int
    asked: int
    index: float | None
    departments: list     # (department, answers, index or None when fewer than the minimum)
    questions: list       # (question, index)
    comments: list        # texts, only when the round has at least the minimum of answers
    minimum: int


def result(round_: SurveyRound) -> Result:
    """The round's indexes, computed in the database; a department below the minimum shows no index."""
    minimum = min_answers()
    asked = db.session.scalar(select(func.count()).select_from(SurveyInvite).where(SurveyInvite.round_id == round_.id))
    answers, index = db.session.execute(
        select(func.count(func.distinct(SurveyAnswer.id)), func.avg(POINTS))
        .select_from(SurveyAnswer).join(SurveyScore, SurveyScore.answer_id == SurveyAnswer.id)
        .where(SurveyAnswer.round_id == round_.id)).one()
    per_department = db.session.execute(
        select(SurveyAnswer.department_id, func.count(func.distinct(SurveyAnswer.id)), func.avg(POINTS))
        .join(SurveyScore, SurveyScore.answer_id == SurveyAnswer.id)
        .where(SurveyAnswer.round_id == round_.id, SurveyAnswer.department_id.is_not(None))
        .group_by(SurveyAnswer.department_id)).all()
    departments = {d.id: d for d in db.session.scalars(
        select(Department).where(Department.id.in_([row[0] for row in per_department])))}
    per_question = dict(db.session.execute(
        select(SurveyScore.question_id, func.avg(POINTS)).join(SurveyQuestion)
        .where(SurveyQuestion.round_id == round_.id).group_by(SurveyScore.question_id)).all())
    enough = answers >= minimum
    comments = list(db.session.scalars(select(SurveyAnswer.comment).where(
        SurveyAnswer.round_id == round_.id, SurveyAnswer.comment != "").order_by(SurveyAnswer.id))) if enough else []
    return Result(answers, asked, float(index) if enough and index is not None else None,
                  sorted(((departments[d], n, float(i) if n >= minimum else None) for d, n, i in per_department),
                         key=lambda row: row[0].code),
                  [(q, float(per_question[q.id]) if enough and q.id in per_question else None)
                   for q in round_.questions], comments, minimum)


def trend() -> list[tuple[SurveyRound, float]]:
    """The overall index of every round with at least the minimum of answers, oldest first."""
    rows = db.session.execute(
        select(SurveyAnswer.round_id, func.count(func.distinct(SurveyAnswer.id)), func.avg(POINTS))
        .join(SurveyScore, SurveyScore.answer_id == SurveyAnswer.id).group_by(SurveyAnswer.round_id)).all()
    indexes = {r: float(i) for r, n, i in rows if n >= min_answers()}
    found = db.session.scalars(select(SurveyRound).where(SurveyRound.id.in_(indexes))
                               .options(lazyload(SurveyRound.questions))
                               .order_by(SurveyRound.period_start, SurveyRound.id))
    return [(r, indexes[r.id]) for r in found]

