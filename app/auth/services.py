"""Sign-in, passwords, and the rules on accounts and roles."""
import secrets
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload, lazyload, load_only
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Refused
from app.extensions import db
from app.timeutil import utcnow

from . import throttle
from .models import Department, User, UserRole, UserSession
from .roles import Role


class AccountError(Refused):
    """A rule on accounts was broken; the message is shown to the person who tried."""


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def _dummy_check(password: str) -> None:
    """Spend as long on an unknown login name as on a wrong password, so timing tells nothing."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)


def find_by_login(login: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))


def authenticate(login: str, password: str, address: str, known_device: bool = False) -> tuple[User | None, bool]:
    """Check a sign-in; returns (user or None, blocked). Never says which of name or password was wrong.

    The attempt is counted before the password is checked (see throttle), so a burst cannot slip through.
    """
    if not throttle.take_attempt(login, address, known_device):
        return None, True
    user = find_by_login(login)
    if user is None:
        _dummy_check(password)
    if user is None or not user.active or not user.check_password(password):
        return None, False
    throttle.forgive(login, address)
    user.last_login_at = utcnow()
    start_session(user)
    return user, False


def start_session(user: User) -> None:
    """A new server-side session for this sign-in; its id travels in the session and remember-me cookies."""
    user.current_sid = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=user.current_sid, user_id=user.id))
    db.session.commit()


def session_user(user_id: str) -> User | None:
    """The user of a live session named by a cookie's `id.version.session`; None once it was revoked,
    the password changed, or the account was deactivated."""
    ident, _dot, rest = user_id.partition(".")
    version, _dot, sid = rest.partition(".")
    if not ident.isdigit() or not sid:
        return None
    # One query for the session, its user, department and roles: this runs on every signed-in request.
    row = db.session.get(UserSession, sid, options=[joinedload(UserSession.user).joinedload(User.role_rows)])
    if row is None or row.revoked or row.user_id != int(ident) or str(row.user.session_version) != version:
        return None
    row.user.current_sid = sid
    return row.user


def end_session(user: User) -> None:
    """Logout: this session can never be used again, whoever copied its cookies."""
    if user.current_sid:
        db.session.execute(update(UserSession).where(UserSession.id == user.current_sid).values(revoked=True))
        db.session.commit()


def end_other_sessions(user: User) -> int:
    """"Sign out on other devices": every session of this user but the current one is revoked."""
    result = db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.id != (user.current_sid or ""),
        UserSession.revoked.is_(False)).values(revoked=True))
    db.session.commit()
    return result.rowcount


def purge_sessions() -> str:
    """Revoked sessions and those older than the remember-me cookie can live are deleted (`flask tick`)."""
    cutoff = utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    removed = db.session.execute(delete(UserSession).where(
        or_(UserSession.revoked.is_(True), UserSession.created_at < cutoff))).rowcount
    db.session.commit()
    return f"{removed} ended sessions removed"


class SamePassword(AccountError):
    """The new password is the old one: after a reset the administrator would still know it."""


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_l("The current password is not correct."))
    if new == current:
        raise SamePassword(_l("Choose a password different from the current one."))
    user.set_password(new)
    user.must_change_password = False
    user.session_version += 1
    db.session.commit()


def reset_password(user: User, temporary: str) -> None:
    """An administrator sets a temporary password; the user must choose a new one at next sign-in."""
    user.set_password(temporary)
    user.must_change_password = True
    user.session_version += 1
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def check_liaison_rule(user: User, roles, department: Department | None) -> None:
    """A liaison belongs to one department, and a department has at most one active liaison."""
    if Role.LIAISON not in {Role(r) for r in roles}:
        return
    if department is None:
        raise AccountError(_l("A department liaison must belong to a department."))
    other = db.session.scalar(
        select(User).join(UserRole)
        .where(UserRole.role == Role.LIAISON.value, User.department_id == department.id,
               User.active.is_(True), User.id != user.id))
    if other is not None:
        raise AccountError(_l("%(department)s already has an active liaison: %(name)s.",
                              department=str(department), name=other.name))


def _is_self(user: User, actor: User | None) -> bool:
    return actor is not None and user.id is not None and user.id == actor.id


def save_user(user: User, *, login: str, name: str, department: Department | None, roles,
              password: str | None = None, actor: User | None = None) -> User:
    """Create or update an account after checking that the login name is free and the liaison rule holds."""
    clash = find_by_login(login)
    if clash is not None and clash is not user:
        raise AccountError(_l("The login name %(login)s is already taken.", login=login))
    if _is_self(user, actor) and Role.ADMIN in user.roles and Role.ADMIN not in {Role(r) for r in roles}:
        # Another administrator can do it; doing it to oneself could leave nobody to undo it.
        raise AccountError(_l("You cannot remove your own administrator role."))
    check_liaison_rule(user, roles, department)
    user.login = login.strip()
    user.name = name.strip()
    user.department = department
    user.set_roles(roles)
    if password:
        user.set_password(password)
    if user.id is None:
        db.session.add(user)
    db.session.commit()
    return user


def set_active(user: User, active: bool, actor: User | None = None) -> None:
    """Deactivate instead of deleting, so the history that names this user stays intact."""
    if not active and _is_self(user, actor):
        raise AccountError(_l("You cannot deactivate your own account."))
    if active:
        check_liaison_rule(user, user.roles, user.department)
    user.active = active
    user.session_version += 1
    db.session.commit()


def users_with_role(role: Role) -> list[User]:
    """Active holders of a role; everyone active for Role.EMPLOYEE."""
    query = select(User).where(User.active.is_(True))
    if role is not Role.EMPLOYEE:
        query = query.join(UserRole).where(UserRole.role == role.value)
    return list(db.session.scalars(query.order_by(User.name)))


def colleagues_of(user: User) -> list[User]:
    """Active people of the user's own department other than the user: who can stand in for them.
    Only their ids and names are loaded (a choice list), not their roles and department."""
    if user.department_id is None:
        return []
    query = (select(User).options(load_only(User.id, User.name), lazyload("*"))
             .where(User.department_id == user.department_id, User.active.is_(True), User.id != user.id))
    return list(db.session.scalars(query.order_by(User.name)))


def _active_liaisons(*columns):
    return (select(*columns).join(UserRole)
            .where(UserRole.role == Role.LIAISON.value, User.active.is_(True)))


def liaison_of(department_id: int) -> User | None:
    return db.session.scalar(_active_liaisons(User).where(User.department_id == department_id))


def liaison_names(department_ids) -> dict[int, str]:
    """The active liaison of each department, by name, in one query (a department has at most one)."""
    query = _active_liaisons(User.department_id, User.name).where(User.department_id.in_(list(department_ids)))
    return dict(db.session.execute(query).all())


def active_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.active.is_(True))
                                   .order_by(Department.code)))
