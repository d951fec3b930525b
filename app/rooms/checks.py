"""The equipment check one hour before (会议前1小时完成设备检查).

A confirmed booking that needs a projector or a video call gets one check, due ROOMS_CHECK_MINUTES before
its start, for a real person of the technical department (ROOMS_TECH_DEPARTMENT, "TECH"). Who: the person
on duty on the repairs roster at the due time when they belong to that department; otherwise the
department's active member with the fewest open checks that day (then by name). Every member of the
department sees and may tick every check; the assignee is the one told. "Problem" tells the organiser and
the office at once and offers to report it as a repair, prefilled."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.auth.models import Department, User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import path_for
from app.notifications import notify
from app.repairs.models import Location
from app.repairs.roster import on_duty_at
from app.timeutil import day_bounds, to_local, utcnow

from .models import Booking, EquipmentCheck
from .workflow import CheckStatus


class CheckError(Refused):
    """A rule on checks was broken; `field` names the form field."""


def check_link(check_id: int) -> str:
    return path_for("rooms.check", check_id=check_id)


def tech_department() -> Department | None:
    return db.session.scalar(select(Department).where(Department.code == current_app.config["ROOMS_TECH_DEPARTMENT"]))


def technicians() -> list[User]:
    department = tech_department()
    if department is None:
        return []
    return list(db.session.scalars(select(User).where(User.department_id == department.id, User.active)
                                   .order_by(User.name)))


def is_technical(user) -> bool:
    department = tech_department()
    return department is not None and user.department_id == department.id


def _open_checks_that_day(user_id: int, due_at) -> int:
    start, end = day_bounds(to_local(due_at).date())
    return db.session.scalar(select(func.count()).select_from(EquipmentCheck).where(
        EquipmentCheck.assignee_id == user_id, EquipmentCheck.status == CheckStatus.OPEN.value,
        EquipmentCheck.due_at >= start, EquipmentCheck.due_at < end)) or 0


def choose_checker(due_at) -> User | None:
    """The on-duty person when they are technical staff, else the least busy technical person that day."""
    staff = technicians()
    on_duty = on_duty_at(due_at)
    if on_duty is not None and on_duty in staff:
        return on_duty
    if not staff:
        return None
    return min(staff, key=lambda person: (_open_checks_that_day(person.id, due_at), person.name))


def _due(booking: Booking):
    return booking.starts_at - timedelta(minutes=int(current_app.config["ROOMS_CHECK_MINUTES"]))


def arrange(booking: Booking) -> EquipmentCheck | None:
    """Create the check for a confirmed booking that needs equipment, and tell the checker (no commit)."""
    if not booking.equipment or booking.check is not None:
        return None
    due = _due(booking)
    checker = choose_checker(due)
    check = EquipmentCheck(booking=booking, due_at=due, assignee=checker)
    db.session.add(check)
    db.session.flush()
    _tell_checker(check)
    return check


def _tell_checker(check: EquipmentCheck) -> None:
    booking = check.booking
    message = _l("Check %(what)s in %(room)s by %(when)s (meeting “%(title)s”).",
                 what=", ".join(str(n.label) for n in booking.equipment), room=booking.room.name,
                 when=to_local(check.due_at).strftime("%Y-%m-%d %H:%M"), title=booking.title)
    recipients = [check.assignee] if check.assignee else users_with_role(Role.OFFICE)
    notify(recipients, message, link=check_link(check.id), commit=False)


def rearrange(booking: Booking) -> None:
    """A moved booking: its check moves with it and is open again (the room or time changed)."""
    if booking.check is None:
        arrange(booking)
        return
    check = booking.check
    if not booking.equipment:
        db.session.delete(check)
        return
    check.due_at, check.status, check.note = _due(booking), CheckStatus.OPEN.value, ""
    check.checked_by_id = check.checked_at = None
    check.assignee = choose_checker(check.due_at)
    _tell_checker(check)


def drop(booking: Booking) -> None:
    if booking.check is not None and booking.check.status == CheckStatus.OPEN:
        db.session.delete(booking.check)


def may_tick(user, check: EquipmentCheck) -> bool:
    return is_technical(user) or check.assignee_id == user.id


def tick(user, check: EquipmentCheck, ok: bool, note: str = "") -> EquipmentCheck:
    """'Checked, OK' or 'problem' with a note; claimed so two technicians ticking at once record one result."""
    if not may_tick(user, check):
        raise CheckError(_l("Only the technical staff tick equipment checks."))
    note = (note or "").strip()
    if not ok and not note:
        raise CheckError(_l("Say what is wrong, so the organiser and the office know."), "note")
    status = CheckStatus.OK if ok else CheckStatus.PROBLEM
    from app.visits import rooms as visit_rooms  # visits import rooms; the check's visit step follows it
    if check.booking.visit_id:
        visit_rooms.touch(check.booking.visit_id)  # the visit's row first, as every write on a visit does
    claimed = db.session.execute(update(EquipmentCheck).where(EquipmentCheck.id == check.id,
                                                              EquipmentCheck.status == CheckStatus.OPEN.value)
                                 .values(status=status.value, note=note, checked_by_id=user.id, checked_at=utcnow())
                                 .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        db.session.refresh(check)
        raise Conflict(_l("%(name)s already recorded this check a moment ago: “%(state)s”.",
                          name=check.checked_by.name if check.checked_by else "", state=check.status_enum.label),
                       current=check)
    db.session.refresh(check)
    if not ok:
        _tell_problem(check)
    visit_rooms.equipment_checked(check.booking, user, ok, note)
    db.session.commit()
    return check


def _tell_problem(check: EquipmentCheck) -> None:
    booking = check.booking
    notify([booking.organiser, *users_with_role(Role.OFFICE)],
           _l("Equipment problem in %(room)s before “%(title)s”: %(note)s", room=booking.room.name,
              title=booking.title, note=check.note), link=check_link(check.id), commit=False)


def repair_place(room) -> Location | None:
    """The repairs' place for a room: same building, floor and room name (else the same room name)."""
    same = select(Location).where(Location.active, Location.room == room.name)
    exact = db.session.scalar(same.where(Location.building == room.building, Location.floor == room.floor))
    return exact or db.session.scalar(same.order_by(Location.id).limit(1))


def repair_link(check: EquipmentCheck) -> str:
    """The repairs form prefilled with the room and what is wrong: the query string QR labels use
    (`location`), the kind of fault and the note as the description."""
    place = repair_place(check.booking.room)
    args = {"category": "it", "description": check.note}
    if place is not None:
        args["location"] = place.id
    return path_for("repairs.new", **args)


def today_checks():
    """Today's checks, earliest first (the office's home card)."""
    start, end = day_bounds(to_local(utcnow()).date())
    return list(db.session.scalars(select(EquipmentCheck)
                                   .where(EquipmentCheck.due_at >= start, EquipmentCheck.due_at < end)
                                   .order_by(EquipmentCheck.due_at).limit(20)))


def open_checks_for(user):
    """The checks a technical person sees: every open one of the department, theirs first."""
    query = select(EquipmentCheck).where(EquipmentCheck.status == CheckStatus.OPEN.value)
    if not is_technical(user):
        query = query.where(EquipmentCheck.assignee_id == user.id)
    return list(db.session.scalars(query.order_by(EquipmentCheck.due_at).limit(50)))
