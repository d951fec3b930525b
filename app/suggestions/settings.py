"""Lists the office keeps: answer templates for frequent cases and the categories employees choose from."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.htmx import redirect_after_post

from . import lists, services
from .blueprint import bp
from .forms import CategoryForm, TemplateForm
from .models import AnswerTemplate, Category
from .triage import office_only


@bp.route("/templates", methods=["GET", "POST"])
@office_only
def templates():
    """The answer templates, and a form to add one."""
    form = TemplateForm()
    if form.validate_on_submit():
        lists.save_template(AnswerTemplate(), title=form.title.data, body=form.body.data, active=form.active.data)
        flash(_("The answer template is saved."), "success")
        return redirect_after_post(url_for("suggestions.templates"))
    return render_template("suggestions/templates.html", form=form,
                           templates=lists.templates(active_only=False)), 422 if form.errors else 200


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@office_only
def edit_template(template_id: int):
    template = db.session.get(AnswerTemplate, template_id) or abort(404)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        lists.save_template(template, title=form.title.data, body=form.body.data, active=form.active.data)
        flash(_("The answer template is saved."), "success")
        return redirect_after_post(url_for("suggestions.templates"))
    return render_template("suggestions/template_form.html", form=form, template=template), \
        422 if form.errors else 200


@bp.route("/categories", methods=["GET", "POST"])
@office_only
def categories():
    """The category list employees choose from; a category in use is retired, never deleted."""
    form = CategoryForm()
    if form.validate_on_submit():
        _save(Category(), form)
        return redirect_after_post(url_for("suggestions.categories"))
    return render_template("suggestions/categories.html", form=form,
                           categories=services.categories(active_only=False)), 422 if form.errors else 200


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@office_only
def edit_category(category_id: int):
    category = services.category(category_id) or abort(404)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        _save(category, form)
        return redirect_after_post(url_for("suggestions.categories"))
    return render_template("suggestions/category_form.html", form=form, category=category), \
        422 if form.errors else 200


def _save(category: Category, form: CategoryForm) -> None:
    services.save_category(category, name_zh=form.name_zh.data, name_en=form.name_en.data,
                           position=form.position.data or 0, active=form.active.data)
    flash(_("The category list is saved."), "success")
