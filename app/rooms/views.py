"""The rooms page (day or week, a list per room on a phone), booking, a booking's page with the answers,
moving, cancelling, approving."""
from datetime import time, timedelta

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import User
from app.auth.roles import Role, role_required
from app.auth.services import active_departments, users_with_role
from app.errors import Conflict
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render_form
from app.pagecache import cached_page
from app.params import int_arg, page_arg, text_arg
from app.timeutil import parse_day, to_local, today, utcnow

from . import answers, queries, roomlist, services, workflow
from .blueprint import bp
from .forms import AnswerForm, BookingForm, MoveForm


def _first_day():
    return parse_day(text_arg("day", 10)) or today()


@bp.get("/")
@login_required
@cached_page("rooms", seconds=60)  # free slots are "from now": a copy is good for a minute
def index():
    """Every room's day (or week), ten rooms a page: its bookings and its free slots, each a link to book it."""
    week = request.args.get("view") == "week"
    first = _first_day()
    if week:
        first -= timedelta(days=first.weekday())
    days = 7 if week else 1
    step = timedelta(days=days)
    # A page of rooms at a time: at 40 rooms booked every day the week view was 267 KB and up to 650 ms.
    rooms = roomlist.active_rooms_page(page_arg())
    return render_template("rooms/index.html", rows=queries.grid(first, days, list(rooms.items)), rooms=rooms,
                           first=first, days=days, week=week, previous=first - step, next=first + step,
                           today=today())


def _time_arg(name: str):
    text = text_arg(name, 5)
    try:
        return time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        return None


def _booking_form(formdata=None) -> BookingForm:
    form = BookingForm(formdata=formdata, rooms=roomlist.active_rooms(), people=users_with_role(Role.EMPLOYEE),
                       departments=active_departments())
    if formdata is None:
        form.room_id.data = int_arg("room") or 0
        form.day.data = parse_day(text_arg("day", 10)) or today()
        form.starts.data = _time_arg("starts")
        form.ends.data = _time_arg("ends")
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Book a free slot: title, people and whole departments, needs, an agenda, once or every (two) weeks."""
    form = _booking_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and _validate(form):
        try:
            booking = services.book(current_user, form.data_for_service(), token=form.token.data)
        except services.SlotTaken as taken:
            return _taken(form, taken)
        except services.BookingError as error:
            attach_error(form, error)
        else:
            flash(_("%(room)s is booked for “%(title)s”.", room=booking.room.name, title=booking.title)
                  if booking.status == workflow.BookingStatus.CONFIRMED else
                  _("Your booking waits for the office's approval."), "success")
            return redirect_after_post(url_for("rooms.booking", booking_id=booking.id))
    return render_form("rooms/new.html", "rooms/new.html", form)


def _validate(form: BookingForm) -> bool:
    """The form's own checks and the service's rules together, so every field error shows at once (422)
    instead of one per send; a field the form already faulted keeps only its own message."""
    valid = form.validate()
    for problem in services.problems(form.data_for_service()):
        field = getattr(form, problem.field or "", None)
        if field is None or not field.errors:
            attach_error(form, problem)
            valid = False
    return valid


def _taken(form, taken: services.SlotTaken):
    """409: who holds the room, and free rooms of similar size at that time to pick instead (what was typed
    stays in the form)."""
    form.room_id.errors = [str(taken)]
    return render_template("rooms/new.html", form=form, taken=taken), 409


@bp.get("/mine")
@login_required
@cached_page("rooms", seconds=60)
def mine():
    return render_template("rooms/mine.html", page=queries.mine(current_user, utcnow(), page_arg()))


@bp.get("/approvals")
@login_required
@role_required(Role.OFFICE)
def approvals():
    return render_template("rooms/approvals.html", page=queries.awaiting_approval(page_arg()))


def _visible_or_404(booking_id: int):
    return services.get_visible(current_user, booking_id) or abort(404)


def _detail(booking, answer_form=None, move_form=None, status=200):
    mine = answers.attendee_of(booking, current_user)
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, people=users_with_role(Role.EMPLOYEE),
                                 answer=mine.answer if mine and mine.answer != workflow.Answer.WAITING else None,
                                 substitute_id=(mine.substitute_id if mine else 0) or 0)
    if move_form is None and workflow.may(current_user, booking, "move"):
        local = to_local(booking.starts_at)
        move_form = MoveForm(formdata=None, rooms=roomlist.active_rooms(), room_id=booking.room_id, day=local.date(),
                             starts=local.time(), ends=to_local(booking.ends_at).time())
    return render_template("rooms/booking.html", booking=booking, mine=mine, answer_form=answer_form,
                           move_form=move_form, workflow=workflow, may=workflow.may,
                           waiting=sum(1 for a in booking.attendees if a.answer == workflow.Answer.WAITING)), status


@bp.get("/<int:booking_id>")
@login_required
def booking(booking_id: int):
    """The booking: when, where, needs, agenda, the attendees' answers, this person's answer and tools."""
    return _detail(_visible_or_404(booking_id))


@bp.post("/<int:booking_id>/answer")
@login_required
def answer(booking_id: int):
    booking = _visible_or_404(booking_id)
    form = AnswerForm(people=users_with_role(Role.EMPLOYEE))
    if form.validate():
        try:
            answers.answer(current_user, booking, form.answer.data,
                            db.session.get(User, form.substitute_id.data or 0))
        except services.BookingError as error:
            attach_error(form, error)
        else:
            flash(_("Your answer is sent."), "success")
            return redirect_after_post(url_for("rooms.booking", booking_id=booking.id))
    return _detail(booking, answer_form=form, status=422)


def _act(booking_id: int, action, done_message):
    """One button (remind, cancel, approve, refuse): refused → 422 with the reason, lost race → 409."""
    booking = _visible_or_404(booking_id)
    try:
        action(booking)
    except Conflict as lost:
        flash(str(lost), "error")
        return _detail(booking, status=409)
    except services.BookingError as error:
        flash(str(error), "error")
        return _detail(booking, status=422)
    flash(done_message(), "success")
    return redirect_after_post(url_for("rooms.booking", booking_id=booking.id))


@bp.post("/<int:booking_id>/remind")
@login_required
def remind(booking_id: int):
    """The organiser's one tap: everyone who has not answered is reminded."""
    reminded = []
    return _act(booking_id, lambda b: reminded.append(answers.remind_waiting(current_user, b)),
                lambda: _("%(num)d people reminded.", num=reminded[0]))


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    whole = request.form.get("series") == "1"
    return _act(booking_id, lambda b: services.cancel(current_user, b, whole_series=whole),
                lambda: _("The booking is cancelled; the attendees are told."))


@bp.post("/<int:booking_id>/decide")
@login_required
@role_required(Role.OFFICE)
def decide(booking_id: int):
    approve = request.form.get("approve") == "1"
    return _act(booking_id, lambda b: services.decide(current_user, b, approve),
                lambda: _("Approved: the attendees are told.") if approve else _("Refused: the organiser is told."))


@bp.post("/<int:booking_id>/move")
@login_required
def move(booking_id: int):
    """Another time or room; the attendees get the updated calendar entry."""
    booking = _visible_or_404(booking_id)
    form = MoveForm(rooms=roomlist.active_rooms())
    if form.validate():
        starts_at, ends_at = form.slot()
        try:
            services.move(current_user, booking, form.room_id.data, starts_at, ends_at)
        except services.SlotTaken as taken:
            form.room_id.errors = [str(taken)]
            return _detail(booking, move_form=form, status=409)
        except services.BookingError as error:
            attach_error(form, error)
        else:
            flash(_("The booking is moved; the attendees are told."), "success")
            return redirect_after_post(url_for("rooms.booking", booking_id=booking.id))
    return _detail(booking, move_form=form, status=422)

