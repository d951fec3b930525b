"""Visits: who sees which, the rules of a visit form, creating and requesting them, and the status moves
(accept, arrival, departure, completion, cancellation) as compare-and-set writes."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import idempotency
from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import path_for
from app.notifications import Kind, notify
from app.rooms import services as room_bookings
from app.timeutil import utcnow

from . import checklist, rooms, workflow
from .models import EventAction, Visit, VisitEvent, VisitStep
from .queries import STAFF, visible_visits
from .workflow import ACTIVE, StepState, VisitStatus, stored

# A visitor walking in unannounced is registered a moment after they arrived; older times are typing errors.
PAST_TOLERANCE = timedelta(hours=1)
NOT_YOURS = _l("This is not yours to do on this visit.")
EDITED_MEANWHILE = _l("Someone else changed this visit while you were editing; check their changes.")


class VisitError(Refused):
    """A rule on visits was broken; `field` names the form field the message belongs to, if any."""


class VisitConflict(Conflict):
    """Someone else got there first: the visit is no longer in a status that allows the move."""


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

def get_visible(user, visit_id: int) -> Visit | None:
    """The visit with its checklist if the user may see it, else None (the view answers 404: even its existence
    is private)."""
    # The page names these people; their roles (each user's own statement) are not read.
    return db.session.scalar(visible_visits(user).where(Visit.id == visit_id).options(
        selectinload(Visit.steps).joinedload(VisitStep.done_by).lazyload(User.role_rows),
        selectinload(Visit.cohosts).lazyload(User.role_rows), joinedload(Visit.host).lazyload(User.role_rows),
        joinedload(Visit.owner).lazyload(User.role_rows), joinedload(Visit.room)))


def sees_personal_data(user, visit: Visit) -> bool:
    """Visitors' names and phone, their licence plates and the private note for reception: reception, office,
    the host and the owner only."""
    return user.has_any_role(*STAFF) or user.id in (visit.host_id, visit.owner_id)


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
    query = select(Visit).where(same_room, Visit.status.in_(stored(ACTIVE)), Visit.expected_arrival < departure,
                                Visit.expected_departure > arrival)
    if exclude_id:
        query = query.where(Visit.id != exclude_id)
    return list(db.session.scalars(query.order_by(Visit.expected_arrival)))


def visit_problems(data: VisitData, visit: Visit, requires_owner: bool) -> list[VisitError]:
    """Every broken rule of a visit form, each naming its field: the submit refuses on the first, inline
    validation shows them all while the user types."""
    problems = _visitor_problems(data) + _time_problems(data, visit) + _people_problems(data, requires_owner)
    if visit.id is None:
        # A new visit needs an owner exactly when reception or office plan it rather than a host asking.
        problems.extend(_duplicates(data, front_desk=requires_owner))
    elif data.visit_type != visit.visit_type and checklist.started(visit):
        problems.append(VisitError(
            _l("Steps of this visit's checklist are already ticked, skipped or noted, so the visit type can no "
               "longer change: it stays “%(type)s”.", type=visit.type_label), "visit_type"))
    clashes = room_clashes(data.room_id, data.room_text, data.expected_arrival, data.expected_departure,
                           visit.id)
    held = _held_by_booking(data, visit) if not clashes else None
    if held is not None:
        problems.append(VisitError(
            _l("This room is booked for “%(title)s” by %(name)s at that time.", title=held.title,
               name=held.organiser.name), "room_id"))
    if clashes:
        problems.append(VisitError(
            _l("This room is already booked for %(organisation)s at that time (visit #%(id)d).",
               organisation=clashes[0].organisation, id=clashes[0].id), "room_id"))
    return problems


def _held_by_booking(data: VisitData, visit: Visit):
    """A meeting booked in the room at that time (the shared rooms' clash check; visits are checked above)."""
    if not data.room_id:
        return None
    holder = room_bookings.clash(data.room_id, data.expected_arrival, data.expected_departure)
    return holder if holder is not None and holder.visit_id != visit.id else None


def _visitor_problems(data: VisitData) -> list[VisitError]:
    names = [line.strip() for line in data.visitor_names.splitlines() if line.strip()]
    if not names:
        return [VisitError(_l("Write at least one visitor's name, one per line."), "visitor_names")]
    if data.visitor_count < len(names):
        return [VisitError(_l("The count is smaller than the %(num)d names listed.", num=len(names)),
                           "visitor_count")]
    return []


def _time_problems(data: VisitData, visit: Visit) -> list[VisitError]:
    problems = []
    if data.expected_departure <= data.expected_arrival:
        problems.append(VisitError(_l("The departure must be after the arrival."), "expected_departure"))
    arrival_changed = visit.id is None or data.expected_arrival != visit.expected_arrival
    if arrival_changed and data.expected_arrival < utcnow() - PAST_TOLERANCE:
        problems.append(VisitError(_l("The arrival is in the past; check the date."), "expected_arrival"))
    return problems


def untimed_problems(data: VisitData, requires_owner: bool) -> list[VisitError]:
    """The rules that need no valid times (visitor names, host, owner): checked on a submit whose times the
    form refused, so those errors come in the same answer."""
    return _visitor_problems(data) + _people_problems(data, requires_owner)


def _people_problems(data: VisitData, requires_owner: bool) -> list[VisitError]:
    problems = []
    host = db.session.get(User, data.host_id) if data.host_id else None
    if host is None or not host.active:
        problems.append(VisitError(_l("Choose the host from the list of active employees."), "host_id"))
    if requires_owner and not _is_office(data.owner_id):
        problems.append(VisitError(_l("Choose the visit owner from the office staff."), "owner_id"))
    return problems


def _is_office(user_id: int | None) -> bool:
    user = db.session.get(User, user_id) if user_id else None
    return user is not None and user.active and user.has_any_role(Role.OFFICE)


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
        func.lower(Visit.organisation) == data.organisation.strip().lower(), Visit.status.in_(stored(ACTIVE)),
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


# --- creating and editing --------------------------------------------------------------------------

def create_visit(user, data: VisitData, token: str = "") -> Visit:
    """Reception and office plan a visit with its owner; anyone else requests one for the office to accept.

    Raises VisitError on a broken rule. A resent form (same token) gives the visit created the first time.
    """
    planning = user.has_any_role(*STAFF)

    def create() -> str:
        visit = Visit(status=(VisitStatus.PLANNED if planning else VisitStatus.REQUESTED).value,
                      requested_by_id=user.id)
        host, owner, cohosts = _check(data, visit, requires_owner=planning)
        _fill(visit, data, host, owner if planning else None, cohosts)
        checklist.copy_template(visit)
        db.session.add(visit)
        db.session.flush()
        rooms.hold_room(visit)
        action = EventAction.CREATE if planning else EventAction.REQUEST
        db.session.add(VisitEvent(visit_id=visit.id, action=action.value, user_id=user.id,
                                  text=_different_group_note(data, visit) if planning else ""))
        if not planning:
            notify(users_with_role(Role.OFFICE),
                   _l("%(name)s requests a visit of %(organisation)s; it needs an owner.", name=user.name,
                      organisation=visit.organisation), link=_link(visit), commit=False)
        return str(visit.id)
    return db.session.get(Visit, int(idempotency.once(token, create)))


def _different_group_note(data: VisitData, visit: Visit) -> str:
    """The history says why a second visit of the same organisation at that time was accepted."""
    same = duplicate_of(data, exclude_id=visit.id) if data.different_group else None
    return str(_l("A different group from visit #%(id)d", id=same.id)) if same else ""


def update_visit(user, visit: Visit, data: VisitData, version: int) -> Visit:
    """Save an edit unless someone else saved in between. A new visit type brings the new type's checklist,
    as long as nobody has worked on the old one yet.

    Raises VisitError on a broken rule, naming the field; VisitConflict when the visit changed meanwhile."""
    _guard(user, visit, "edit")
    if version != visit.version:
        raise VisitConflict(EDITED_MEANWHILE)
    host, owner, cohosts = _check(data, visit, requires_owner=visit.status != VisitStatus.REQUESTED)
    _claim_version(visit, version)
    retyped = data.visit_type != visit.visit_type
    if retyped and checklist.started(visit):
        # Someone ticked a step between the check above and the claim: the checklist stays.
        db.session.rollback()
        raise VisitConflict(_l("Someone ticked a step of this visit's checklist a moment ago, so the visit type "
                               "can no longer change."))
    times_changed = (data.expected_arrival, data.expected_departure) != (visit.expected_arrival,
                                                                        visit.expected_departure)
    old_type = visit.type_label
    _fill(visit, data, host, owner, cohosts)
    if retyped:
        checklist.copy_template(visit)
    elif times_changed:
        checklist.reschedule(visit)
    rooms.hold_room(visit)
    db.session.add(VisitEvent(visit_id=visit.id, action=EventAction.EDIT.value, user_id=user.id))
    if retyped:
        db.session.add(VisitEvent(visit_id=visit.id, action=EventAction.RETYPE.value, user_id=user.id,
                                  text=f"{old_type} → {visit.type_label}"))
    db.session.commit()
    return visit


def _claim_version(visit: Visit, version: int) -> None:
    """Compare-and-set on the version before anything else is written: of two people saving the same visit at
    once, one saves and the other is told (the row stays locked for the winner until its commit, so the
    checklist and co-hosts are never rewritten by two edits at the same time)."""
    now = utcnow()
    claimed = db.session.execute(
        update(Visit).where(Visit.id == visit.id, Visit.version == version, Visit.status.in_(stored(ACTIVE)))
        .values(version=version + 1, updated_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise VisitConflict(EDITED_MEANWHILE)
    set_committed_value(visit, "version", version + 1)
    set_committed_value(visit, "updated_at", now)


# --- status moves ----------------------------------------------------------------------------------

def _guard(user, visit: Visit, name: str) -> None:
    """Refuse someone the table never lets make the move; a visit in the wrong status is a lost race."""
    if not workflow.permitted(user, visit, name):
        raise VisitError(NOT_YOURS)
    if visit.status not in workflow.TRANSITIONS[name].sources:
        raise VisitConflict(workflow.CONFLICT_MESSAGES[name])


def _moved(visit: Visit, name: str, user, text: str = "", **values) -> bool:
    """Move the visit with a compare-and-set on its status, so two people pressing at once give one result;
    False (and nothing written) when the stored status no longer allows the move. Does not commit."""
    rule = workflow.TRANSITIONS[name]
    changes = dict(values, version=Visit.version + 1, updated_at=utcnow())
    if rule.target:
        changes["status"] = rule.target.value
    condition = [Visit.id == visit.id, Visit.status.in_(stored(rule.sources))]
    if name == "depart":
        condition.append(Visit.departed_at.is_(None))
    result = db.session.execute(update(Visit).where(*condition).values(**changes)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.add(VisitEvent(visit_id=visit.id, action=name, user_id=user.id if user else None, text=text[:500]))
    db.session.flush()
    db.session.refresh(visit)
    return True


def _move(visit: Visit, name: str, user, text: str = "", **values) -> None:
    """A person's move: refused for someone the table never allows, a VisitConflict for a lost race (rolled
    back, so the caller then reads the visit as it is now)."""
    _guard(user, visit, name)
    if not _moved(visit, name, user, text, **values):
        db.session.rollback()
        raise VisitConflict(workflow.CONFLICT_MESSAGES[name])


def complete_if_done(visit: Visit, user) -> bool:
    """Completed once the visitors have left and every step is done or skipped with a reason. Does not commit."""
    if visit.status != VisitStatus.IN_PROGRESS or visit.departed_at is None:
        return False
    if any(step.state == StepState.OPEN for step in visit.steps):
        return False
    # False when someone else's request completed it a moment ago.
    return _moved(visit, "complete", user)


def accept(user, visit: Visit, owner_id: int) -> None:
    """The office accepts a host's request and names the owner; the host hears back."""
    if not _is_office(owner_id):
        raise VisitError(_l("Choose the visit owner from the office staff."), "owner_id")
    _move(visit, "accept", user, owner_id=owner_id)
    rooms.hold_room(visit)  # now planned: the equipment check is arranged
    notify([visit.host, visit.owner, visit.requested_by],
           _l("The visit of %(organisation)s is planned; %(owner)s is its owner.",
              organisation=visit.organisation, owner=visit.owner.name), link=_link(visit), commit=False)
    db.session.commit()


def cancel(user, visit: Visit, reason: str) -> None:
    """Cancelling needs a reason, which the host, the owner and the co-hosts are told."""
    if not reason.strip():
        raise VisitError(_l("Say why the visit is cancelled."), "reason")
    _move(visit, "cancel", user, text=reason, cancel_reason=reason.strip()[:500])
    rooms.hold_room(visit)  # lets the room go
    notify([visit.host, visit.owner, *visit.cohosts],
           _l("The visit of %(organisation)s is cancelled: %(reason)s", organisation=visit.organisation,
              reason=reason.strip()), link=_link(visit), commit=False)
    db.session.commit()


def record_arrival(user, visit: Visit) -> None:
    """Check in the planned visit from its own entry, and tell the host and the owner at once."""
    _move(visit, "arrive", user, arrived_at=utcnow())
    notify([visit.host, visit.owner, *visit.cohosts],
           _l("Your visitors from %(organisation)s have arrived.", organisation=visit.organisation),
           link=_link(visit), kind=Kind.VISITOR_ARRIVAL, commit=False)
    db.session.commit()


def record_departure(user, visit: Visit) -> None:
    _move(visit, "depart", user, departed_at=utcnow())
    complete_if_done(visit, user)
    db.session.commit()


def _link(visit: Visit) -> str:
    return path_for("visits.detail", visit_id=visit.id)
