"""Administration of accounts and departments, including the all-or-nothing CSV import."""
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.auth.models import Department, User, UserRole
from app.auth.roles import GRANTABLE_ROLES, Role
from app.auth.services import AccountError, find_by_login, liaison_of
from app.extensions import db
from app.notifications.channels import CHANNEL_ID_PATTERN, EMAIL_PATTERN
from app.spreadsheets import ImportResult, read_csv

PAGE_SIZE = 25
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,40}$")
IMPORT_COLUMNS = ("login", "name", "department", "roles")
# Optional import columns: where messages reach the person (app/notifications).
CONTACT_COLUMNS = ("email", "wecom_userid", "dingtalk_userid")


def temporary_password() -> str:
    """Easy to read aloud or type on a phone: three groups of four, no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def search_users(q: str = "", department_id: int | None = None, role: str = "", active: str = "",
                 page: int = 1):
    query = select(User).order_by(User.login)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(User.login.ilike(like), User.name.ilike(like)))
    if department_id:
        query = query.where(User.department_id == department_id)
    if role in {r.value for r in GRANTABLE_ROLES}:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active in ("yes", "no"):
        query = query.where(User.active.is_(active == "yes"))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.active.desc(), Department.code)))


def save_department(department: Department, *, code: str, name_zh: str, name_en: str) -> Department:
    clash = db.session.scalar(select(Department).where(func.lower(Department.code) == code.strip().lower()))
    if clash is not None and clash is not department:
        raise AccountError(_l("The department code %(code)s is already used.", code=code), field="code")
    department.code = code.strip()
    department.name_zh = name_zh.strip()
    department.name_en = name_en.strip()
    if department.id is None:
        db.session.add(department)
    db.session.commit()
    return department


def set_department_active(department: Department, active: bool) -> None:
    department.active = active
    db.session.commit()


def _parse_roles(text: str) -> list[Role] | None:
    """Role names split by spaces, commas or semicolons (Chinese punctuation too); None if one is unknown."""
    names = [part for part in re.split(r"[\s,;|、，；]+", text.strip().lower()) if part]
    valid = {r.value for r in Role}
    if any(name not in valid for name in names):
        return None
    return [Role(name) for name in names]


def _check_row(line: int, row: dict, departments: dict, seen_logins: set, liaisons: dict) -> list:
    """Every problem with one row (its cells already trimmed), each message naming the line."""
    errors = []
    login, name, code = row.get("login", ""), row.get("name", ""), row.get("department", "")
    if not LOGIN_PATTERN.match(login):
        errors.append(_l("line %(line)d: the login name must be 1–40 letters, digits or . _ @ -", line=line))
    elif login.lower() in seen_logins:
        errors.append(_l("line %(line)d: %(login)s appears twice in the file", line=line, login=login))
    elif find_by_login(login) is not None:
        errors.append(_l("line %(line)d: %(login)s already exists", line=line, login=login))
    seen_logins.add(login.lower())
    if not name or len(name) > 80:
        errors.append(_l("line %(line)d: the name must be 1–80 characters", line=line))
    department = departments.get(code.lower()) if code else None
    if code and department is None:
        errors.append(_l("line %(line)d: no active department has the code %(code)s", line=line, code=code))
    errors.extend(_check_contact(line, row))
    roles = _parse_roles(row.get("roles", ""))
    if roles is None:
        errors.append(_l("line %(line)d: unknown role in “%(roles)s”", line=line, roles=row.get("roles")))
    elif Role.LIAISON in roles:
        errors.extend(_check_liaison(line, department, liaisons))
    return errors


def _check_contact(line: int, row: dict) -> list:
    errors = []
    email = row.get("email", "")
    if email and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        errors.append(_l("line %(line)d: “%(email)s” is not an e-mail address", line=line, email=email))
    for column in ("wecom_userid", "dingtalk_userid"):
        value = row.get(column, "")
        if value and not CHANNEL_ID_PATTERN.match(value):
            errors.append(_l("line %(line)d: the %(column)s must be 1–64 letters, digits or . _ @ -",
                             line=line, column=column))
    return errors


def _check_liaison(line: int, department, liaisons: dict) -> list:
    if department is None:
        return [_l("line %(line)d: a liaison needs a department", line=line)]
    if department.id in liaisons or liaison_of(department.id) is not None:
        return [_l("line %(line)d: %(department)s already has a liaison", line=line, department=str(department))]
    liaisons[department.id] = line
    return []


def import_users(raw: bytes) -> ImportResult:
    """Check every row first; create all the users only when no row has an error.

    `created` holds (user, temporary password) pairs, which the page and `flask users import` show once.
    """
    result = read_csv(raw, IMPORT_COLUMNS)
    if result.errors:
        return result
    departments = {d.code.lower(): d for d in db.session.scalars(select(Department).where(Department.active))}
    seen, liaisons = set(), {}
    for line, row in result.rows:
        result.errors.extend(_check_row(line, row, departments, seen, liaisons))
    if not result.rows and not result.errors:
        result.errors.append(_l("The file has no users in it."))
    if result.errors:
        return result
    for _line, row in result.rows:
        result.created.append(_create_imported(row, departments))
    db.session.commit()
    return result


def _create_imported(row: dict, departments: dict) -> tuple[User, str]:
    password = temporary_password()
    user = User(login=row["login"], name=row["name"], department=departments.get(row.get("department", "").lower()),
                must_change_password=True)
    for column in CONTACT_COLUMNS:
        setattr(user, column, row.get(column) or None)
    user.set_password(password)
    user.set_roles(_parse_roles(row.get("roles", "")))
    db.session.add(user)
    return user, password
