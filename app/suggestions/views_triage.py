"""The office's triage: the filtered list, answering one suggestion, drafts and the weekly
"publish all", internal notes, merging duplicates and choosing what goes on the board."""
from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth.roles import Role, role_required
from app.extensions import db
from app.forms import attach_error
from app.htmx import redirect_after_post, render
from app.pagecache import cached_page
from app.params import page_arg, to_int, to_text
from app.timeutil import parse_day, utcnow

from . import answers, queries, services
from .answers import StaleSuggestion
from .blueprint import bp
from .forms import AnswerForm, MergeForm, NoteForm, PublishDraftForm
from .queries import TriageFilters
from .views import office_context, suggestion_or_404
from .workflow import Status, TransitionError, targets_for


def filters_from(args) -> TriageFilters:
    return TriageFilters(status=args.get("status", ""), category=to_int(args.get("category")),
                         source=args.get("source", ""), start=parse_day(args.get("start")),
                         end=parse_day(args.get("end")), q=to_text(args.get("q")), overdue=args.get("overdue") == "1")


@bp.get("/triage")
@login_required
@role_required(Role.OFFICE)
@cached_page("suggestions", "calendar", seconds=60)
def triage():
    """Every suggestion, filtered in place; the URL keeps the filters so a view can be shared."""
    filters = filters_from(request.args)
    page = queries.triage(filters, page_arg())
    categories = [(c.id, str(c)) for c in services.categories(active_only=False)]
    return render("suggestions/triage.html", "suggestions/_triage_rows.html", page=page, args=request.args,
                  category_options=categories, status_options=[(s.value, s.label) for s in Status],
                  now=utcnow(), drafts_waiting=answers.draft_count(), active_filters=active_filters(filters))


def active_filters(filters: TriageFilters) -> int:
    """How many filters besides the search are on: the "Filters" toggle says so while they are folded away."""
    return sum(map(bool, (filters.status, filters.category, filters.source, filters.start, filters.end,
                          filters.overdue)))


def _office_page(suggestion, status: int = 422, **forms):
    """The office's page again after a refused or lost post: the typed input, the reason, and 422 (409)."""
    return render_template("suggestions/triage_detail.html", **office_context(suggestion, **forms)), status


@bp.post("/<bigint:suggestion_id>/answer")
@login_required
@role_required(Role.OFFICE)
def answer(suggestion_id: int):
    """Publish an answer now or keep it as a draft; a refused change re-renders with the input kept."""
    suggestion = suggestion_or_404(suggestion_id)
    form = AnswerForm(targets=targets_for(current_user, suggestion), templates=queries.templates())
    if form.validate_on_submit():
        try:
            answers.answer(suggestion, current_user, version=form.version.data, status_to=form.status_to.data or "",
                           body=form.body.data or "", plan=form.plan.data or "", target_date=form.target_date.data,
                           publish=form.publishes)
        except TransitionError as exc:
            attach_error(form, exc)
        except StaleSuggestion as exc:
            return _stale(suggestion_id, exc)
        else:
            flash(_("The answer is published.") if form.publishes else _("The answer is saved as a draft."),
                  "success")
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
    return _office_page(suggestion, form=form)


def _stale(suggestion_id: int, exc: StaleSuggestion):
    """The losing writer sees the current state and the reason, with status 409."""
    db.session.expire_all()
    flash(str(exc.message), "error")
    return _office_page(suggestion_or_404(suggestion_id), status=409)


@bp.post("/<bigint:suggestion_id>/draft/publish")
@login_required
@role_required(Role.OFFICE)
def publish_draft(suggestion_id: int):
    """Publish the drafted answer; when someone else published or rewrote it first, 409 with the page as it is now."""
    suggestion = suggestion_or_404(suggestion_id)
    form = PublishDraftForm()
    try:
        if not form.validate_on_submit():
            raise services.SuggestionError(_("This form has expired. Send it again."))
        answers.publish_draft(suggestion, current_user, form.version.data)
        flash(_("The answer is published."), "success")
    except services.SuggestionError as exc:
        flash(str(exc), "error")
    except StaleSuggestion as exc:
        return _stale(suggestion_id, exc)
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))


@bp.post("/<bigint:suggestion_id>/draft/discard")
@login_required
@role_required(Role.OFFICE)
def discard_draft(suggestion_id: int):
    answers.discard_draft(suggestion_or_404(suggestion_id))
    flash(_("The draft is discarded."), "success")
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))


@bp.get("/drafts")
@login_required
@role_required(Role.OFFICE)
@cached_page("suggestions", "calendar", seconds=60)
def drafts():
    """The weekly triage: every drafted answer, ready to publish together."""
    return render_template("suggestions/drafts.html", suggestions=answers.drafts())


@bp.post("/drafts/publish")
@login_required
@role_required(Role.OFFICE)
def publish_all():
    published, skipped = answers.publish_all_drafts(current_user)
    flash(ngettext("%(num)d answer published.", "%(num)d answers published.", published), "success")
    if skipped:
        flash(_("Left as drafts, because the suggestion changed meanwhile: %(titles)s",
                titles="; ".join(skipped)), "warning")
    return redirect_after_post(url_for("suggestions.drafts"))


@bp.post("/<bigint:suggestion_id>/notes")
@login_required
@role_required(Role.OFFICE)
def add_note(suggestion_id: int):
    suggestion = suggestion_or_404(suggestion_id)
    form = NoteForm()
    if form.validate_on_submit():
        answers.add_note(suggestion, current_user, form.body.data)
        flash(_("The internal note is saved."), "success")
        return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
    return _office_page(suggestion, note_form=form)


@bp.post("/<bigint:suggestion_id>/merge")
@login_required
@role_required(Role.OFFICE)
def merge(suggestion_id: int):
    """Merge this duplicate into the suggestion numbered in the form; a refusal keeps the number typed."""
    suggestion = suggestion_or_404(suggestion_id)
    form = MergeForm()
    if form.validate_on_submit():
        survivor = services.get_for(current_user, form.target_number)
        try:
            answers.merge(suggestion, survivor, current_user)
        except services.SuggestionError as exc:
            attach_error(form, exc)
        else:
            flash(_("Merged. Its author now follows suggestion %(number)s.", number=survivor.id), "success")
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=survivor.id))
    return _office_page(suggestion, merge_form=form)


@bp.post("/<bigint:suggestion_id>/board")
@login_required
@role_required(Role.OFFICE)
def set_board(suggestion_id: int):
    """Show the suggestion on the public board, or take it off; a lost race answers 409."""
    suggestion = suggestion_or_404(suggestion_id)
    answers.set_on_board(suggestion, current_user, request.form.get("shown") == "1")
    flash(_("It is now on the public board.") if suggestion.on_board
          else _("It is no longer on the public board."), "success")
    return redirect_after_post(url_for("suggestions.detail", suggestion_id=suggestion_id))
