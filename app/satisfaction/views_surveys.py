"""The department satisfaction survey: the office opens and closes rounds, the people asked answer once and
anonymously, office and leaders read the index per department, overall and across rounds."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render_form
from app.pagecache import cached_page
from app.timeutil import today

from . import surveys
from .blueprint import bp
from .chart import HEIGHT, WIDTH, trend_points
from .forms import RoundForm, answer_form_class
from .models import SurveyRound

READERS = (Role.OFFICE, Role.LEADER)
NO_STORE = {"Cache-Control": "no-store"}


def _round_or_404(round_id: int) -> SurveyRound:
    return db.session.get(SurveyRound, round_id) or abort(404)


@bp.get("/surveys")
@login_required
@role_required(*READERS)
@cached_page("satisfaction")
def surveys_index():
    trend = surveys.trend()
    indexes = {r.id: index for r, index in trend}
    return render_template("satisfaction/surveys.html", rounds=surveys.rounds(), indexes=indexes,
                           points=trend_points(trend), width=WIDTH, height=HEIGHT)


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def survey_new():
    form = RoundForm()
    if not form.is_submitted():
        form.questions.data = "\n".join(str(q) for q in surveys.DEFAULT_QUESTIONS)
        form.period_start.data = today().replace(day=1)
        form.period_end.data = today()
    if form.is_submitted() and _all_valid(form):
        try:
            opened = surveys.open_round(current_user, title=form.title.data, period_start=form.period_start.data,
                                        period_end=form.period_end.data, questions=form.question_lines(),
                                        logins=form.logins())
        except surveys.SurveyRefused as exc:
            attach_error(form, exc)
        else:
            flash(_("The survey is open and everyone asked is told."), "success")
            return redirect_after_post(url_for("satisfaction.survey_result", round_id=opened.id))
    return render_form("satisfaction/survey_form.html", "satisfaction/survey_form.html", form)


def _all_valid(form) -> bool:
    """The form's own checks and the named logins, both run so every error shows at once."""
    valid = form.validate()
    if form.respondents.errors:  # e.g. a NUL byte: not a text any database would look up
        return False
    try:
        surveys.respondents(form.logins())
    except surveys.SurveyRefused as exc:
        attach_error(form, exc)
        return False
    return valid


@bp.get("/surveys/<int:round_id>")
@login_required
@role_required(*READERS)
@cached_page("satisfaction")
def survey_result(round_id: int):
    round_ = _round_or_404(round_id)
    return render_template("satisfaction/survey_result.html", round=round_, result=surveys.result(round_))


@bp.post("/surveys/<int:round_id>/close")
@login_required
@role_required(Role.OFFICE)
def survey_close(round_id: int):
    surveys.close(_round_or_404(round_id))
    flash(_("The survey is closed: no more answers are taken."), "success")
    return redirect_after_post(url_for("satisfaction.survey_result", round_id=round_id))


@bp.route("/surveys/<int:round_id>/answer", methods=["GET", "POST"])
@login_required
def survey_answer(round_id: int):
    """Only for the people asked; once answered, a thank-you. Nothing here records who gave which answer."""
    round_ = _round_or_404(round_id)
    invite = surveys.invite_of(round_id, current_user) or abort(404)
    if invite.answered or round_.status != "open":
        return render_template("satisfaction/survey_answer.html", round=round_, form=None,
                               answered=invite.answered), 200, NO_STORE
    form = answer_form_class(round_)()
    if form.validate_on_submit():
        scores = {q.id: form[f"q{q.id}"].data for q in round_.questions}
        try:
            surveys.answer(round_, current_user, scores, form.comment.data)
        except surveys.SurveyRefused as exc:
            attach_error(form, exc)
        else:
            return redirect_after_post(url_for("satisfaction.survey_answer", round_id=round_id))
    status = 422 if form.errors else 200
    return render_template("satisfaction/survey_answer.html", round=round_, form=form, answered=False), status, \
        NO_STORE
