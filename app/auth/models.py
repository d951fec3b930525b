"""People, their departments and their roles."""
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.i18n import current_locale_code
from app.search_grams import searched
from app.timeutil import utcnow

from .roles import Role


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.display_name(current_locale_code())


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), index=True)


@searched("user", "name")
class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change or deactivation so other open sessions end.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Where messages reach this person outside the app (app/notifications), and when not to push.
    email: Mapped[str | None] = mapped_column(String(254))
    wecom_userid: Mapped[str | None] = mapped_column(String(64))
    dingtalk_userid: Mapped[str | None] = mapped_column(String(64))
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "22:00", office time
    quiet_end: Mapped[str | None] = mapped_column(String(5))    # "07:00"

    department: Mapped[Department | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role)

    @property
    def is_active(self) -> bool:
        return self.active

    # The server-side session this request runs in (set at sign-in and by the user loader).
    current_sid = None

    def get_id(self) -> str:
        """What the session and the remember-me cookie carry: user, password version and session row."""
        return f"{self.id}.{self.session_version}.{self.current_sid or ''}"

    @property
    def roles(self) -> set[Role]:
        return {Role.EMPLOYEE} | {Role(r.role) for r in self.role_rows}

    def has_any_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles} - {Role.EMPLOYEE}
        self.role_rows = [row for row in self.role_rows if Role(row.role) in wanted]
        held = {Role(row.role) for row in self.role_rows}
        self.role_rows.extend(UserRole(role=r.value) for r in sorted(wanted - held))

    def set_password(self, password: str) -> None:
        # scrypt (memory-hard) in production; tests may choose a cheaper method to stay fast.
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.name


class UserSession(db.Model):
    """One sign-in on one device. Logout revokes it on the server, so a copied session or remember-me
    cookie stops working at once; a password change or "sign out on other devices" revokes the others."""
    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random: the cookie's last part
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")
