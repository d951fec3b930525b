"""Meeting series: the one liaison meeting and the office's groups (专项项目协同小组) with named members.

Who belongs to a series decides who sees its meetings, adds items, answers the notice and hears of it:
the liaison series' members are the departments' liaisons (as before series existed); a group's are the
people named on it. The office runs every series and sees all of them."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, or_, select, true

from app.auth.models import User
from app.auth.roles import Role
from app.auth.services import users_with_role
from app.errors import Refused
from app.extensions import db
from app.rooms.models import Room

from .models import MeetingSeries, SeriesKind, find_liaison_series, meeting_series_members

MOST_MEMBERS = 200


class SeriesError(Refused):
    """A rule on series was broken; `field` names the form field at fault."""


def liaison_series() -> MeetingSeries:
    series = find_liaison_series(db.session)
    if series.id is None:
        db.session.flush()
    return series


def all_series() -> list[MeetingSeries]:
    """The liaison meeting first, then the groups by name (inactive ones too)."""
    liaison_series()
    query = select(MeetingSeries)
    return list(db.session.scalars(query.order_by(MeetingSeries.kind != SeriesKind.LIAISON.value,
                                                  MeetingSeries.name)))


def seen_by(user):
    """The SQL condition on MeetingSeries for the series whose meetings this person sees: all for the office,
    else the liaison series for a liaison and the groups they belong to (may_see, as one condition)."""
    if user.has_any_role(Role.OFFICE):
        return true()
    mine = select(meeting_series_members.c.series_id).where(meeting_series_members.c.user_id == user.id)
    kinds = MeetingSeries.kind == SeriesKind.LIAISON.value if user.has_any_role(Role.LIAISON) else false()
    return or_(kinds, MeetingSeries.id.in_(mine))


def visible_series(user) -> list[MeetingSeries]:
    """The series whose meetings this person sees (one query)."""
    liaison_series()
    query = select(MeetingSeries).where(seen_by(user))
    return list(db.session.scalars(query.order_by(MeetingSeries.kind != SeriesKind.LIAISON.value,
                                                  MeetingSeries.name)))


def members(series: MeetingSeries) -> list[User]:
    """Who is told of the series' meetings and answers their notice: the liaisons, or the group's active people."""
    if not series.is_group:
        return users_with_role(Role.LIAISON)
    return [person for person in series.members if person.active]


def is_member(user, series: MeetingSeries) -> bool:
    if not series.is_group:
        return user.has_any_role(Role.LIAISON)
    return any(person.id == user.id for person in series.members)


def may_see(user, series: MeetingSeries) -> bool:
    return user.has_any_role(Role.OFFICE) or is_member(user, series)


def in_any_group(user) -> bool:
    """A member of an active group: the meetings pages are theirs too, even without the liaison role."""
    return bool(db.session.scalar(select(exists().where(
        meeting_series_members.c.user_id == user.id,
        meeting_series_members.c.series_id == MeetingSeries.id, MeetingSeries.active.is_(True)))))


def save(series: MeetingSeries | None, values: dict, member_ids) -> MeetingSeries:
    """Create a group or change a series (name, place, room, active; a group's members too)."""
    series = series or MeetingSeries(kind=SeriesKind.GROUP.value)
    found = problems(series, values, member_ids)
    if found:
        raise found[0]
    for name, value in values.items():
        setattr(series, name, value)
    if series.is_group:
        series.members = list(db.session.scalars(select(User).where(User.id.in_(list(member_ids)), User.active)))
    else:
        series.active = True  # the liaison meeting always runs
    db.session.add(series)
    db.session.commit()
    return series


def problems(series: MeetingSeries | None, values: dict, member_ids) -> list[SeriesError]:
    """Every broken rule at once, for the form (save raises the first)."""
    series = series or MeetingSeries(kind=SeriesKind.GROUP.value)
    problems = []
    clash = values.get("name") and db.session.scalar(select(MeetingSeries.id).where(
        MeetingSeries.name == values["name"], MeetingSeries.id != (series.id or 0)))
    if clash:
        problems.append(SeriesError(_l("Another series has this name."), "name"))
    if values.get("room_id") and db.session.get(Room, values["room_id"]) is None:
        problems.append(SeriesError(_l("Choose a room from the list."), "room_id"))
    if series.is_group and not member_ids:
        problems.append(SeriesError(_l("Choose the group's members."), "member_ids"))
    elif len(member_ids) > MOST_MEMBERS:
        problems.append(SeriesError(_l("A group has at most %(num)d members.", num=MOST_MEMBERS), "member_ids"))
    return problems

