"""Administration: accounts, departments, user import (role admin only)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import services as accounts
from app.auth.models import Department, User
from app.auth.roles import GRANTABLE_ROLES, Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import page_arg, to_int, to_text

from . import services
from .blueprint import bp
from .forms import DepartmentForm, ImportForm, ResetPasswordForm, UserForm


@bp.before_request
@login_required
@role_required(Role.ADMIN)
def guard():
    """Every admin page needs the admin role; checked once here so no route can be forgotten."""


# /admin/ shows the users list itself: a redirect costs phones a round trip (Lighthouse's audit).
# "/users" is registered first, so url_for("admin.users") still builds /admin/users.
@bp.get("/")
@bp.get("/users")
@cached_page("auth")
def users():
    args = request.args
    page = services.search_users(to_text(args.get("q")), to_int(args.get("department")),
                                 args.get("role", ""), args.get("active", ""), page_arg())
    return render("admin/users.html", "admin/_user_rows.html", page=page, args=args,
                  departments=[(d.id, str(d)) for d in services.all_departments()],
                  roles=[(r.value, r.label) for r in GRANTABLE_ROLES])


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm(departments=accounts.active_departments(), creating=True)
    if request.method == "GET":
        form.password.data = services.temporary_password()
    if form.validate_on_submit() and _save_user(form, User(must_change_password=True)):
        flash(_("Account %(login)s is created.", login=form.login.data), "success")
        return redirect_after_post(url_for("admin.users"))
    return render_form("admin/user_form.html", "admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    departments = accounts.active_departments()
    if user.department is not None and user.department not in departments:
        # A closed department stays selectable for its members, or saving the form would silently drop it.
        departments.append(user.department)
    form = UserForm(obj=user, departments=departments, creating=False)
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles if r is not Role.EMPLOYEE]
        form.department_id.data = user.department_id or 0
    if form.validate_on_submit() and _save_user(form, user):
        flash(_("Account %(login)s is saved.", login=user.login), "success")
        return redirect_after_post(url_for("admin.users"))
    return render_form("admin/user_form.html", "admin/user_form.html", form=form, user=user,
                       reset_form=ResetPasswordForm())


def _save_user(form: UserForm, user: User) -> bool:
    """Save through the account rules; a broken rule becomes an error on the form, not a crash."""
    department = db.session.get(Department, form.department_id.data) if form.department_id.data else None
    password = form.password.data if "password" in form else None
    for column in services.CONTACT_COLUMNS:  # saved (committed) together with the account below
        setattr(user, column, (getattr(form, column).data or "").strip() or None)
    try:
        accounts.save_user(user, login=form.login.data, name=form.name.data, department=department,
                           roles=form.roles.data, password=password, actor=current_user)
    except accounts.AccountError as exc:
        attach_error(form, exc)
        return False
    return True


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    """Deactivate or reactivate: accounts are never deleted, so their history keeps its names."""
    user = db.get_or_404(User, user_id)
    try:
        accounts.set_active(user, request.form.get("active") == "1", actor=current_user)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(name)s is now active.", name=user.name) if user.active
              else _("%(name)s is deactivated and can no longer sign in.", name=user.name), "success")
    return redirect_after_post(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash(" ".join(form.password.errors), "error")
    else:
        accounts.reset_password(user, form.password.data)
        flash(_("The password of %(login)s is reset; they must change it at next sign-in.", login=user.login),
              "success")
    return redirect_after_post(url_for("admin.edit_user", user_id=user.id))


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    form = DepartmentForm()
    if form.validate_on_submit() and _save_department(form, Department()):
        flash(_("Department %(code)s is created.", code=form.code.data), "success")
        return redirect_after_post(url_for("admin.departments"))
    return render_form("admin/departments.html", "admin/departments.html", form=form,
                       departments=services.all_departments())


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
def edit_department(department_id: int):
    department = db.get_or_404(Department, department_id)
    form = DepartmentForm(obj=department)
    if form.validate_on_submit() and _save_department(form, department):
        flash(_("Department %(code)s is saved.", code=department.code), "success")
        return redirect_after_post(url_for("admin.departments"))
    return render_form("admin/department_form.html", "admin/department_form.html", form=form,
                       department=department)


def _save_department(form: DepartmentForm, department: Department) -> bool:
    try:
        services.save_department(department, code=form.code.data, name_zh=form.name_zh.data,
                                 name_en=form.name_en.data)
    except accounts.AccountError as exc:
        attach_error(form, exc)
        return False
    return True


@bp.post("/departments/<int:department_id>/active")
def set_department_active(department_id: int):
    department = db.get_or_404(Department, department_id)
    services.set_department_active(department, request.form.get("active") == "1")
    flash(_("Department %(code)s is saved.", code=department.code), "success")
    return redirect_after_post(url_for("admin.departments"))


@bp.route("/users/import", methods=["GET", "POST"])
def import_users():
    """Upload a CSV; every row is checked first and nothing is imported if any row is wrong."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        result = services.import_users(form.file.data.read())
    # A file with wrong rows is a refused form too: 422, with every row's error listed.
    status = 422 if form.errors or (result and result.errors) else 200
    return render("admin/import.html", "admin/import.html", status=status, form=form, result=result)
