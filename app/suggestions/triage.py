"""The office's triage: the filtered list, one suggestion's answer form, drafts and the weekly
"publish all", internal notes, merging duplicates and choosing what goes on the board."""
from datetime import date

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.htmx import redirect_after_post, render
from app.timeutil import to_local, utcnow

from . import answers, lists, services
from .answers import StaleSuggestion
from .lists import TriageFilters
from .blueprint import bp, suggestion_or_404
from .forms import AnswerForm, MergeForm, NoteForm
from .workflow import Status, TransitionError, targets_for


def office_only(view):
    return login_required(role_required(Role.OFFICE)(view))


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filters_from(args) -> TriageFilters:
    return TriageFilters(status=args.get("status", ""), category=args.get("category", type=int),
                         source=args.get("source", ""), start=parse_day(args.get("start")),
                         end=parse_day(args.get("end")), q=args.get("q", "")[:100], overdue=args.get("overdue") == "1")


@bp.get("/triage")
@office_only
def triage():
    """Every suggestion, filtered in place; the URL keeps the filters so a view can be shared."""
    page = lists.triage(filters_from(request.args), request.args.get("page", 1, type=int))
    return render("suggestions/triage.html", "suggestions/_triage_rows.html", page=page, args=request.args,
                  categories=services.categories(active_only=False), statuses=list(Status),
                  now=utcnow(), drafts_waiting=answers.draft_count())


def office_context(suggestion, answer_form: AnswerForm | None = None) -> dict:
    """Everything the office's page of one suggestion shows; a chosen template prefills the answer."""
    draft = answers.draft_of(suggestion)
    templates = lists.templates()
    form = answer_form or AnswerForm(obj=draft, targets=targets_for(suggestion.status, current_user),
                                     templates=templates, version=suggestion.version)
    chosen = request.args.get("template_id", type=int)
    if answer_form is None and chosen:
        form.template_id.data = chosen
        form.body.data = next((t.body for t in templates if t.id == chosen), form.body.data)
    return {"suggestion": suggestion, "form": form, "draft": draft, "notes": answers.notes(suggestion),
            "answers": answers.office_view(suggestion), "events": answers.history(suggestion),
            "duplicates": answers.duplicates_of(suggestion), "note_form": NoteForm(), "merge_form": MergeForm(),
            "rating": services.rating_of(suggestion), "now": utcnow(),
            "slip_date": to_local(suggestion.created_at).date().isoformat()}


@bp.post("/<int:suggestion_id>/answer")
@office_only
def answer(suggestion_id: int):
    """Publish an answer now or keep it as a draft; a refused change re-renders with the input kept."""
    suggestion = suggestion_or_404(suggestion_id)
    form = AnswerForm(targets=targets_for(suggestion.status, current_user), templates=lists.templates())
    if form.validate_on_submit():
        publish = request.form.get("action") != "draft"
        try:
            answers.answer(suggestion, current_user, version=form.version.data, status_to=form.status_to.data or "",
                           body=form.body.data or "", plan=form.plan.data or "", target_date=form.target_date.data,
                           publish=publish)
        except TransitionError as exc:
            getattr(form, exc.field or "body").errors = [str(exc.message)]
        except StaleSuggestion as exc:
            return _stale(suggestion_id, str(exc))
        else:
            flash(_("The answer is published.") if publish else _("The answer is saved as a draft."), "success")
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
    return render_template("suggestions/triage_detail.html", **office_context(suggestion, form)), 422


def _stale(suggestion_id: int, message: str):
    """The losing writer sees the current state and the reason, with status 409."""
    db.session.expire_all()
    flash(message, "error")
    suggestion = suggestion_or_404(suggestion_id)
    return render_template("suggestions/triage_detail.html", **office_context(suggestion)), 409


@bp.post("/<int:suggestion_id>/draft/publish")
@office_only
def publish_draft(suggestion_id: int):
    suggestion = suggestion_or_404(suggestion_id)
    try:
        answers.publish_draft(suggestion, current_user)
        flash(_("The answer is published."), "success")
    except (services.SuggestionError, TransitionError) as exc:
        flash(str(exc), "error")
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))


@bp.post("/<int:suggestion_id>/draft/discard")
@office_only
def discard_draft(suggestion_id: int):
    answers.discard_draft(suggestion_or_404(suggestion_id))
    flash(_("The draft is discarded."), "success")
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))


@bp.get("/drafts")
@office_only
def drafts():
    """The weekly triage: every drafted answer, ready to publish together."""
    return render_template("suggestions/drafts.html", suggestions=answers.drafts())


@bp.post("/drafts/publish")
@office_only
def publish_all():
    published, skipped = answers.publish_all_drafts(current_user)
    flash(ngettext("%(num)d answer published.", "%(num)d answers published.", published), "success")
    if skipped:
        flash(_("Left as drafts, because the suggestion changed meanwhile: %(titles)s",
                titles="; ".join(skipped)), "warning")
    return redirect_after_post(url_for("suggestions.drafts"))


@bp.post("/<int:suggestion_id>/notes")
@office_only
def add_note(suggestion_id: int):
    suggestion = suggestion_or_404(suggestion_id)
    form = NoteForm()
    if form.validate_on_submit():
        answers.add_note(suggestion, current_user, form.body.data)
        flash(_("The internal note is saved."), "success")
        return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
    context = office_context(suggestion)
    context["note_form"] = form
    return render_template("suggestions/triage_detail.html", **context), 422


@bp.post("/<int:suggestion_id>/merge")
@office_only
def merge(suggestion_id: int):
    """Merge this duplicate into the suggestion numbered in the form; a refusal keeps the number typed."""
    suggestion = suggestion_or_404(suggestion_id)
    form = MergeForm()
    if form.validate_on_submit():
        survivor = services.get_for(current_user, form.target_number)
        try:
            answers.merge(suggestion, survivor, current_user)
        except services.SuggestionError as exc:
            form.target_id.errors = [str(exc)]
        else:
            flash(_("Merged. Its author now follows suggestion %(number)s.", number=survivor.id), "success")
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=survivor.id))
    context = office_context(suggestion)
    context["merge_form"] = form
    return render_template("suggestions/triage_detail.html", **context), 422


@bp.post("/<int:suggestion_id>/board")
@office_only
def set_board(suggestion_id: int):
    suggestion = suggestion_or_404(suggestion_id)
    try:
        answers.set_on_board(suggestion, current_user, request.form.get("shown") == "1")
    except StaleSuggestion as exc:
        flash(str(exc), "error")
    else:
        flash(_("It is now on the public board.") if suggestion.on_board
              else _("It is no longer on the public board."), "success")
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
