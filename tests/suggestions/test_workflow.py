"""The state machine: every status change an answer can ask for, from every status, by every kind of
person, allowed or refused; merging; and what an answer must carry."""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import answers, workflow
from app.suggestions.models import Answer, Suggestion
from app.suggestions.workflow import MERGE, TRANSITIONS, Status, TransitionError

ACTORS = ("office", "author", "colleague", "admin")
# Written out by hand from the README's suggestion-box rules, not derived from TRANSITIONS, so the
# table is really tested: (answer's new status, status before) -> who may give that answer.
ALLOWED = {
    ("in_progress", "new"): {"office"},
    ("in_progress", "deferred"): {"office"},
    ("in_progress", "resolved"): {"office"},   # reopened: the author's reply shows it missed the point
    ("in_progress", "declined"): {"office"},
    ("resolved", "new"): {"office"},
    ("resolved", "in_progress"): {"office"},
    ("resolved", "deferred"): {"office"},
    ("deferred", "new"): {"office"},
    ("deferred", "in_progress"): {"office"},
    ("declined", "new"): {"office"},
    ("declined", "in_progress"): {"office"},
    ("declined", "deferred"): {"office"},
}
MERGEABLE = {"new", "in_progress", "deferred"}
CASES = [(name, status.value) for name in TRANSITIONS for status in Status]


@pytest.fixture(autouse=True)
def english(app):
    """Messages are read in English here (outside a request the office's default locale applies)."""
    with force_locale("en"):
        yield


@pytest.fixture
def people(make_user):
    return {"office": make_user(Role.OFFICE), "author": make_user(), "colleague": make_user(),
            "admin": make_user(Role.ADMIN)}


def test_the_table_covers_every_allowed_change():
    assert {(name, source) for name, t in TRANSITIONS.items() for source in t.sources} == set(ALLOWED)
    assert all(t.target == name for name, t in TRANSITIONS.items())
    assert set(MERGE.sources) == MERGEABLE and MERGE.target == Status.MERGED


@pytest.mark.parametrize("name, status", CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_status_change_by_each_actor(people, make_suggestion, name, status):
    """One fresh suggestion per actor, so each attempt starts from `status`."""
    for actor in ACTORS:
        suggestion = make_suggestion(people["author"], title=f"{actor} {name} {status}")
        suggestion.status = status
        db.session.commit()
        answers_before = db.session.scalar(select(func.count()).select_from(Answer))
        allowed = actor in ALLOWED.get((name, status), set())
        if allowed:
            _answer(suggestion, people[actor], name)
            assert db.session.get(Suggestion, suggestion.id).status == name
        else:
            with pytest.raises(TransitionError):
                _answer(suggestion, people[actor], name)
            db.session.rollback()
            assert db.session.get(Suggestion, suggestion.id).status == status, f"{actor} could {name} from {status}"
            assert db.session.scalar(select(func.count()).select_from(Answer)) == answers_before


def _answer(suggestion, user, name):
    answers.answer(suggestion, user, version=suggestion.version, status_to=name, body="答复",
                   plan="下季度", target_date=date.today() + timedelta(days=30))


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_the_answer_form_offers_exactly_the_allowed_statuses(people, make_suggestion, status):
    suggestion = make_suggestion(people["author"])
    suggestion.status = status
    for actor in ACTORS:
        offered = {s.value for s in workflow.targets_for(people[actor], suggestion)}
        assert offered == {name for (name, source), who in ALLOWED.items() if source == status and actor in who}


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_only_new_in_progress_and_deferred_suggestions_merge(people, make_suggestion, status):
    survivor, duplicate = make_suggestion(people["colleague"]), make_suggestion(people["author"])
    duplicate.status = status
    db.session.commit()
    assert workflow.may_merge(people["office"], duplicate) is (status in MERGEABLE)
    assert not workflow.may_merge(people["author"], duplicate)
    if status in MERGEABLE:
        answers.merge(duplicate, survivor, people["office"])
        assert db.session.get(Suggestion, duplicate.id).merged_into_id == survivor.id
    else:
        with pytest.raises(answers.SuggestionError, match="can be merged"):
            answers.merge(duplicate, survivor, people["office"])
        assert db.session.get(Suggestion, duplicate.id).status == status


def test_a_change_outside_the_table_names_both_statuses():
    with pytest.raises(TransitionError) as caught:
        workflow.check("resolved", "declined", {"office"}, body="x")
    assert caught.value.field == "status_to"
    assert "Resolved" in str(caught.value) and "Declined" in str(caught.value)


def test_only_the_office_may_change_status():
    with pytest.raises(TransitionError, match="may not"):
        workflow.check("new", "resolved", {"author"}, body="done")


def test_declined_needs_a_reason():
    with pytest.raises(TransitionError) as caught:
        workflow.check("new", "declined", {"office"}, body="  ")
    assert caught.value.field == "body"
    assert "reason" in str(caught.value.message)


def test_deferred_needs_reason_plan_and_target_date():
    with pytest.raises(TransitionError) as caught:
        workflow.check("new", "deferred", {"office"}, body="预算不足", plan="", target_date=date(2030, 1, 1))
    assert caught.value.field == "plan"
    with pytest.raises(TransitionError) as caught:
        workflow.check("new", "deferred", {"office"}, body="预算不足", plan="下季度", target_date=None)
    assert caught.value.field == "target_date"
    assert workflow.check("new", "deferred", {"office"}, body="预算不足", plan="下季度",
                          target_date=date(2030, 1, 1)).target is Status.DEFERRED


def test_rating_is_possible_only_after_a_final_word():
    assert [s for s in Status if s.can_be_rated] == [Status.RESOLVED, Status.DEFERRED, Status.DECLINED]


def test_every_status_has_its_own_label_and_badge():
    assert len({str(s.label) for s in Status}) == len(Status)
    assert [s.css for s in Status] == [s.value for s in Status]  # static/suggestions.css: .badge-<status>
