"""Visits: who sees which, creating and requesting them, room clashes, arrival and departure."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import idempotency
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.extensions import db
from app.notifications import notify
from app.timeutil import utcnow

from . import checklist, workflow
from .models import Room, Visit, VisitEvent, VisitStep, visit_cohosts

STAFF = (Role.RECEPTION, Role.OFFICE)
ACTIVE = ("requested", "planned", "in_progress")
# A visitor walking in unannounced is registered a moment after they arrived; older times are typing errors.
PAST_TOLERANCE = timedelta(hours=1)


class VisitError(ValueError):
    """A rule on visits was broken; `field` names the form field the message belongs to, if any."""

    def __init__(self, message, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class VisitData:
    """What a visit form says, already in UTC and with ids resolved by the form."""
    organisation: str
    visitor_names: str
    visitor_count: int
    purpose: str
    visit_type: str
    host_id: int
    expected_arrival: datetime
    expected_departure: datetime
    host_department_id: int | None = None
    lead_phone: str = ""
    room_id: int | None = None
    room_text: str = ""
    meals_count: int = 0
    dietary_notes: str = ""
    materials: str = ""
    licence_plates: str = ""
    vip: bool = False
    reception_note: str = ""
    owner_id: int | None = None
    cohost_ids: list = field(default_factory=list)
    # Reception or office confirmed that the same organisation's visit at that time is another group.
    different_group: bool = False


# --- scope -----------------------------------------------------------------------------------------

def visible_visits(user):
    """Reception and office see every visit; anyone else the visits they host, co-host, own or requested."""
    query = select(Visit)
    if user.has_any_role(*STAFF):
        return query
    cohosted = select(visit_cohosts.c.visit_id).where(visit_cohosts.c.user_id == user.id)
    return query.where(or_(Visit.host_id == user.id, Visit.owner_id == user.id,
                           Visit.requested_by_id == user.id, Visit.id.in_(cohosted)))


def visible_or_404(user, visit_id: int) -> Visit:
    """The visit if the user may see it; 404 otherwise, since even its existence is private."""
    visit = db.session.scalar(visible_visits(user).where(Visit.id == visit_id).options(
        selectinload(Visit.steps).joinedload(VisitStep.done_by),
        selectinload(Visit.cohosts), joinedload(Visit.host), joinedload(Visit.owner), joinedload(Visit.room)))
    if visit is None:
        abort(404)
    return visit


def sees_personal_data(user, visit: Visit) -> bool:
    """Visitors' names and phone, their licence plates and the private note for reception: reception, office,
    the host and the owner only."""
    return user.has_any_role(*STAFF) or user.id in (visit.host_id, visit.owner_id)


def list_options():
    return (joinedload(Visit.host), joinedload(Visit.owner), joinedload(Visit.room),
            joinedload(Visit.host_department))


# --- choices for forms -----------------------------------------------------------------------------

def active_rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.name)))


def owner_candidates() -> list[User]:
    return users_with_role(Role.OFFICE)


def people_to_choose(department_id: int | None, keep_ids=()) -> list[User]:
    """Active employees of one department, plus the people already chosen (so a choice never vanishes):
    a company of thousands is picked department by department, not from one endless list."""
    wanted = [i for i in keep_ids if i]
    condition = User.department_id == department_id if department_id else None
    if wanted:
        condition = User.id.in_(wanted) if condition is None else or_(condition, User.id.in_(wanted))
    if condition is None:
        return []
    return list(db.session.scalars(select(User).where(User.active.is_(True), condition).order_by(User.name)))


# --- rules -----------------------------------------------------------------------------------------

def room_clashes(room_id: int | None, room_text: str, arrival: datetime, departure: datetime,
                 exclude_id: int | None = None) -> list[Visit]:
    """Active visits in the same room whose expected times overlap [arrival, departure)."""
    if room_id:
        same_room = Visit.room_id == room_id
    elif room_text.strip():
        same_room = (Visit.room_id.is_(None)) & (func.lower(Visit.room_text) == room_text.strip().lower())
    else:
        return []
    query = select(Visit).where(same_room, Visit.status.in_(ACTIVE), Visit.expected_arrival < departure,
                                Visit.expected_departure > arrival)
    if exclude_id:
        query = query.where(Visit.id != exclude_id)
    return list(db.session.scalars(query.order_by(Visit.expected_arrival)))


def visit_problems(data: VisitData, visit: Visit, requires_owner: bool) -> list[VisitError]:
    """Every broken rule of a visit form, each naming its field: the submit refuses on the first, inline
    validation shows them all while the user types."""
    problems = []
    names = [line.strip() for line in data.visitor_names.splitlines() if line.strip()]
    if not names:
        problems.append(VisitError(_l("Write at least one visitor's name, one per line."), "visitor_names"))
    elif data.visitor_count < len(names):
        problems.append(VisitError(_l("The count is smaller than the %(num)d names listed.", num=len(names)),
                                   "visitor_count"))
    if data.expected_departure <= data.expected_arrival:
        problems.append(VisitError(_l("The departure must be after the arrival."), "expected_departure"))
    arrival_changed = visit.id is None or data.expected_arrival != visit.expected_arrival
    if arrival_changed and data.expected_arrival < utcnow() - PAST_TOLERANCE:
        problems.append(VisitError(_l("The arrival is in the past; check the date."), "expected_arrival"))
    host = db.session.get(User, data.host_id) if data.host_id else None
    if host is None or not host.active:
        problems.append(VisitError(_l("Choose the host from the list of active employees."), "host_id"))
    owner = db.session.get(User, data.owner_id) if data.owner_id else None
    if requires_owner and (owner is None or not owner.active or not owner.has_any_role(Role.OFFICE)):
        problems.append(VisitError(_l("Choose the visit owner from the office staff."), "owner_id"))
    if visit.id is None:
        # A new visit needs an owner exactly when reception or office plan it rather than a host asking.
        problems.extend(_duplicates(data, front_desk=requires_owner))
    elif data.visit_type != visit.visit_type and checklist.started(visit):
        problems.append(VisitError(
            _l("Steps of this visit's checklist are already ticked, skipped or noted, so the visit type can no "
               "longer change: it stays “%(type)s”.", type=visit.type_label), "visit_type"))
    clashes = room_clashes(data.room_id, data.room_text, data.expected_arrival, data.expected_departure,
                           visit.id)
    if clashes:
        problems.append(VisitError(
            _l("This room is already booked for %(organisation)s at that time (visit #%(id)d).",
               organisation=clashes[0].organisation, id=clashes[0].id), "room_id"))
    return problems


def _check(data: VisitData, visit: Visit, requires_owner: bool) -> tuple:
    problems = visit_problems(data, visit, requires_owner)
    if problems:
        raise problems[0]
    host = db.session.get(User, data.host_id)
    owner = db.session.get(User, data.owner_id) if data.owner_id else None
    cohosts = list(db.session.scalars(select(User).where(User.id.in_(data.cohost_ids or []),
                                                         User.active.is_(True))))
    return host, owner, [c for c in cohosts if c.id != host.id]


def duplicate_of(data: VisitData, exclude_id: int | None = None) -> Visit | None:
    """An active visit of the same organisation at overlapping times: perhaps the same visitors."""
    query = select(Visit).where(
        func.lower(Visit.organisation) == data.organisation.strip().lower(), Visit.status.in_(ACTIVE),
        Visit.expected_arrival < data.expected_departure, Visit.expected_departure > data.expected_arrival)
    if exclude_id:
        query = query.where(Visit.id != exclude_id)
    return db.session.scalar(query.order_by(Visit.expected_arrival, Visit.id).limit(1))


def _duplicates(data: VisitData, front_desk: bool) -> list[VisitError]:
    """The same organisation already expected at that time is checked in from its own entry, not registered
    a second time; reception and office may confirm it is a different group. A host asking for a visit is
    told what to do without being shown a visit they may not see."""
    same = duplicate_of(data)
    if same is None or (front_desk and data.different_group):
        return []
    if front_desk:
        message = _l("%(organisation)s is already expected at that time (visit #%(id)d): check the visitors in "
                     "from that visit instead of registering them again. If this is a different group, tick "
                     "“This is a different group” and save.", organisation=same.organisation, id=same.id)
    else:
        message = _l("%(organisation)s is already expected at that time, perhaps with the same visitors. Ask the "
                     "office: they can add your visitors to that visit, or plan yours as a separate group.",
                     organisation=same.organisation)
    return [VisitError(message, "organisation")]


def _fill(visit: Visit, data: VisitData, host, owner, cohosts) -> None:
    names = [line.strip() for line in data.visitor_names.splitlines() if line.strip()]
    for name in ("organisation", "purpose", "visit_type", "expected_arrival", "expected_departure",
                 "lead_phone", "meals_count", "dietary_notes", "materials", "licence_plates", "vip",
                 "reception_note"):
        value = getattr(data, name)
        setattr(visit, name, value.strip() if isinstance(value, str) else value)
    visit.visitor_names = "\n".join(names)
    visit.visitor_count = data.visitor_count
    visit.host = host
    visit.host_department_id = data.host_department_id or host.department_id
    visit.room_id = data.room_id or None
    visit.room_text = "" if data.room_id else data.room_text.strip()
    if owner is not None:
        visit.owner = owner
    visit.cohosts = cohosts


# --- changes ---------------------------------------------------------------------------------------

def create_visit(user, data: VisitData, token: str = "") -> Visit:
    """Reception and office plan a visit with its owner; anyone else requests one for the office to accept.

    Raises VisitError on a broken rule. A resent form (same token) returns the visit created the first time.
    """
    done = idempotency.already_done(token)
    if done:
        return db.session.get(Visit, int(done))
    planning = user.has_any_role(*STAFF)
    visit = Visit(status="planned" if planning else "requested", requested_by_id=user.id)
    host, owner, cohosts = _check(data, visit, requires_owner=planning)
    _fill(visit, data, host, owner if planning else None, cohosts)
    checklist.copy_template(visit)
    db.session.add(visit)
    db.session.flush()
    db.session.add(VisitEvent(visit_id=visit.id, action="create" if planning else "request", user_id=user.id,
                              text=_different_group_note(data, visit) if planning else ""))
    if not idempotency.claim(token, str(visit.id)):
        return db.session.get(Visit, int(idempotency.already_done(token)))
    if not planning:
        notify(users_with_role(Role.OFFICE),
               _l("%(name)s requests a visit of %(organisation)s; it needs an owner.", name=user.name,
                  organisation=visit.organisation), link=url_for("visits.detail", visit_id=visit.id), commit=False)
    db.session.commit()
    return visit


def _different_group_note(data: VisitData, visit: Visit) -> str:
    """The history says why a second visit of the same organisation at that time was accepted."""
    same = duplicate_of(data, exclude_id=visit.id) if data.different_group else None
    return str(_l("A different group from visit #%(id)d", id=same.id)) if same else ""


def update_visit(user, visit: Visit, data: VisitData, version: int) -> Visit:
    """Save an edit unless someone else saved in between (then the user sees the newer version). A new visit
    type brings the new type's checklist, as long as nobody has worked on the old one yet.

    Raises VisitError on a broken rule, naming the field."""
    if not workflow.may(user, visit, "edit"):
        raise VisitError(workflow.CONFLICT_MESSAGES["edit"])
    if version != visit.version:
        raise VisitError(_l("Someone else changed this visit while you were editing; check their changes."))
    host, owner, cohosts = _check(data, visit, requires_owner=visit.status != "requested")
    times_changed = (data.expected_arrival, data.expected_departure) != (visit.expected_arrival,
                                                                        visit.expected_departure)
    old_type = visit.type_label
    retyped = data.visit_type != visit.visit_type
    _fill(visit, data, host, owner, cohosts)
    if retyped:
        checklist.copy_template(visit)
    elif times_changed:
        checklist.reschedule(visit)
    visit.version += 1
    visit.updated_at = utcnow()
    db.session.add(VisitEvent(visit_id=visit.id, action="edit", user_id=user.id))
    if retyped:
        db.session.add(VisitEvent(visit_id=visit.id, action="retype", user_id=user.id,
                                  text=f"{old_type} → {visit.type_label}"))
    db.session.commit()
    return visit


def accept(user, visit: Visit, owner_id: int) -> None:
    """The office accepts a host's request and names the owner; the host hears back."""
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active or not owner.has_any_role(Role.OFFICE):
        raise VisitError(_l("Choose the visit owner from the office staff."), "owner_id")
    workflow.apply(visit, "accept", user, owner_id=owner.id)
    notify([visit.host, owner, visit.requested_by],
           _l("The visit of %(organisation)s is planned; %(owner)s is its owner.",
              organisation=visit.organisation, owner=owner.name),
           link=url_for("visits.detail", visit_id=visit.id), commit=False)
    db.session.commit()


def cancel(user, visit: Visit, reason: str) -> None:
    if not reason.strip():
        raise VisitError(_l("Say why the visit is cancelled."), "reason")
    workflow.apply(visit, "cancel", user, text=reason, cancel_reason=reason.strip()[:500])
    notify([visit.host, visit.owner, *visit.cohosts],
           _l("The visit of %(organisation)s is cancelled: %(reason)s", organisation=visit.organisation,
              reason=reason.strip()), link=url_for("visits.detail", visit_id=visit.id), commit=False)
    db.session.commit()


def record_arrival(user, visit: Visit) -> None:
    """Check in the planned visit from its own entry, and tell the host and the owner at once."""
    workflow.apply(visit, "arrive", user, arrived_at=utcnow())
    notify([visit.host, visit.owner, *visit.cohosts],
           _l("Your visitors from %(organisation)s have arrived.", organisation=visit.organisation),
           link=url_for("visits.detail", visit_id=visit.id), commit=False)
    db.session.commit()


def record_departure(user, visit: Visit) -> None:
    workflow.apply(visit, "depart", user, departed_at=utcnow())
    workflow.complete_if_done(visit, user)
    db.session.commit()


def history(visit: Visit) -> list[VisitEvent]:
    """The latest 100 entries of the visit's history, newest first."""
    return list(db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)
                                   .options(joinedload(VisitEvent.user), joinedload(VisitEvent.step))
                                   .order_by(VisitEvent.created_at.desc(), VisitEvent.id.desc()).limit(100)))
