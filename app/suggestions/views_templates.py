"""Lists the office keeps: answer templates for frequent cases and the categories employees choose from."""
from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.htmx import redirect_after_post, render_form

from . import queries, services
from .blueprint import bp
from .forms import CategoryForm, TemplateForm
from .models import AnswerTemplate, Category


@bp.route("/templates", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def templates():
    """The answer templates, and a form to add one."""
    form = TemplateForm()
    if form.validate_on_submit():
        return _save_template(AnswerTemplate(), form)
    return render_form("suggestions/templates.html", "suggestions/templates.html", form,
                       templates=queries.templates(active_only=False))


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def edit_template(template_id: int):
    template = db.get_or_404(AnswerTemplate, template_id)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        return _save_template(template, form)
    return render_form("suggestions/template_form.html", "suggestions/template_form.html", form, template=template)


def _save_template(template: AnswerTemplate, form: TemplateForm):
    services.save_template(template, title=form.title.data, body=form.body.data, active=form.active.data)
    flash(_("The answer template is saved."), "success")
    return redirect_after_post(url_for("suggestions.templates"))


@bp.route("/categories", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def categories():
    """The category list employees choose from; a category in use is retired, never deleted."""
    form = CategoryForm()
    if form.validate_on_submit():
        return _save_category(Category(), form)
    return render_form("suggestions/categories.html", "suggestions/categories.html", form,
                       categories=services.categories(active_only=False))


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
@role_required(Role.OFFICE)
def edit_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        return _save_category(category, form)
    return render_form("suggestions/category_form.html", "suggestions/category_form.html", form, category=category)


def _save_category(category: Category, form: CategoryForm):
    services.save_category(category, name_zh=form.name_zh.data, name_en=form.name_en.data,
                           position=form.position.data or 0, active=form.active.data)
    flash(_("The category list is saved."), "success")
    return redirect_after_post(url_for("suggestions.categories"))
