"""The room list, kept by the office and administrators (it moved here from visits)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render_form

from . import roomlist
from .blueprint import bp
from .forms import RoomForm
from .models import Room

EDITORS = (Role.OFFICE, Role.ADMIN)


@bp.route("/manage", methods=["GET", "POST"])
@login_required
@role_required(*EDITORS)
def manage():
    """Every room with its place, seats and equipment; add one below."""
    form = RoomForm()
    if form.validate_on_submit():
        try:
            roomlist.save_room(None, form.values())
        except roomlist.RoomError as error:
            attach_error(form, error)
        else:
            flash(_("The room is added."), "success")
            return redirect_after_post(url_for("rooms.manage"))
    return render_form("rooms/manage.html", "rooms/manage.html", form, rooms=roomlist.all_rooms())


@bp.route("/manage/<int:room_id>", methods=["GET", "POST"])
@login_required
@role_required(*EDITORS)
def edit_room(room_id: int):
    room = db.get_or_404(Room, room_id)
    form = RoomForm(obj=room) if request.method == "GET" else RoomForm()
    if form.validate_on_submit():
        try:
            roomlist.save_room(room, form.values())
        except roomlist.RoomError as error:
            attach_error(form, error)
        else:
            flash(_("The room is saved."), "success")
            return redirect_after_post(url_for("rooms.manage"))
    return render_form("rooms/edit_room.html", "rooms/edit_room.html", form, room=room)


@bp.post("/manage/<int:room_id>/active")
@login_required
@role_required(*EDITORS)
def set_room_active(room_id: int):
    """Rooms are taken out of the list rather than deleted, so past visits and bookings keep their room."""
    roomlist.set_active(db.get_or_404(Room, room_id), request.form.get("active") == "1")
    return redirect_after_post(url_for("rooms.manage"))
