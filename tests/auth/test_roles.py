"""Roles: everyone is an employee, a liaison has one department, a department one active liaison."""
import pytest
from flask_babel import force_locale

from app.auth import services
from app.auth.models import User
from app.auth.roles import Role


def test_everyone_is_an_employee_and_can_hold_several_roles(make_user):
    user = make_user(Role.OFFICE, Role.RECEPTION)
    assert user.roles == {Role.EMPLOYEE, Role.OFFICE, Role.RECEPTION}
    assert user.has_any_role(Role.RECEPTION) and not user.has_any_role(Role.ADMIN)


def test_a_liaison_needs_a_department(app):
    with force_locale("en"), pytest.raises(services.AccountError, match="must belong to a department"):
        services.save_user(User(), login="l1", name="L", department=None, roles=["liaison"], password="x" * 8)


def test_a_department_has_at_most_one_active_liaison(make_user, make_department):
    department = make_department(code="PRODX")
    first = make_user(Role.LIAISON, department=department, name="First Liaison")
    with force_locale("en"), pytest.raises(services.AccountError, match="First Liaison"):
        services.save_user(User(), login="l2", name="Second", department=department, roles=["liaison"],
                           password="x" * 8)
    services.set_active(first, False)
    second = services.save_user(User(), login="l2", name="Second", department=department,
                                roles=["liaison"], password="x" * 8)
    assert services.liaison_of(department.id) == second
    with pytest.raises(services.AccountError):
        services.set_active(first, True)  # reactivating would make two


def test_users_with_role_lists_active_holders_only(make_user):
    active = make_user(Role.MAINTENANCE)
    make_user(Role.MAINTENANCE, active=False)
    make_user(Role.OFFICE)
    assert services.users_with_role(Role.MAINTENANCE) == [active]
