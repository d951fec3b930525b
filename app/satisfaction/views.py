"""Rating a repair, a visit or a request on its own page (phone first), and the visitor's link without an account."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import attach_error
from app.htmx import redirect_after_post, render_form

from . import links, services
from .blueprint import bp
from .forms import RatingForm
from .models import Subject

NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/rate/<subject>/<int:record_id>", methods=["GET", "POST"])
@login_required
def rate(subject: str, record_id: int):
    """The rating form of one record for the one person who may rate it; the rating once given.
    Anyone else gets 404: whether the record exists is not theirs to know."""
    record = services.record_of(subject, record_id)
    rating = services.rating_of(subject, record_id) if record is not None else None
    if rating is not None and rating.rater_id == current_user.id:
        return render_template("satisfaction/rate.html", subject=Subject(subject), record=record, rating=rating,
                               back=services.back_link(subject, record_id))
    if rating is not None or not services.may_rate(subject, record, current_user):
        abort(404)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            services.rate(subject, record, current_user, form.score.data, form.comment.data)
        except services.RatingRefused as exc:
            attach_error(form, exc)
        else:
            flash(_("Thank you for your rating."), "success")
            return redirect_after_post(services.back_link(subject, record_id))
    return render_form("satisfaction/rate.html", "satisfaction/rate.html", form, subject=Subject(subject),
                       record=record, rating=None, back=services.back_link(subject, record_id))


@bp.route("/visitor/<token>", methods=["GET", "POST"])
def guest(token: str):
    """A visitor rates the reception through the link the host gave them; no account, nothing about them is stored."""
    visit_id = links.visit_of(token)
    visit = services.record_of(Subject.VISIT_GUEST, visit_id) if visit_id else None
    if visit is None or visit.status != "completed":
        return render_template("satisfaction/link_expired.html"), 404, NO_STORE
    rating = services.guest_rating(visit)
    form = RatingForm()
    if rating is None and form.validate_on_submit():
        try:
            services.rate(Subject.VISIT_GUEST, visit, None, form.score.data, form.comment.data)
        except (services.RatingRefused, services.AlreadyRated) as exc:
            attach_error(form, exc)
        else:
            return redirect_after_post(url_for("satisfaction.guest", token=token))
    status = 422 if form.errors else 200
    return render_template("satisfaction/guest.html", visit=visit, rating=rating, form=form,
                           token=token), status, NO_STORE
