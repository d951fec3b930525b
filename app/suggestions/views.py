"""The employee's side: file a suggestion (named or anonymous), see their own, follow an anonymous
one by its tracking code, reply and rate; and one suggestion's page, the author's or the office's."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import attach_error
from app.htmx import redirect_after_post, render, render_form
from app.pagecache import cached_page
from app.params import int_arg, page_arg
from app.timeutil import parse_day, to_local, utcnow
from app.uploads import photo_response

from . import answers, codes, queries, routing, services
from .blueprint import bp
from .forms import AnswerForm, MergeForm, NoteForm, RatingForm, ReplyForm, RouteForm, SuggestionForm, TrackForm
from .workflow import may_merge, targets_for

# Pages showing a tracking code stay out of the browser cache, so a shared phone's back button
# cannot bring them back for the next person.
NO_STORE = {"Cache-Control": "no-store"}


def suggestion_or_404(suggestion_id: int):
    """A suggestion the signed-in user may open; 404 otherwise, since its existence is private."""
    return services.get_for(current_user, suggestion_id) or abort(404)


def code_or_404(code: str):
    return codes.by_code(code) or abort(404)


def authors_own_or_404(suggestion_id: int):
    """The signed-in author's own suggestion: 404 when they may not see it, 403 when it is not theirs
    (the office sees every suggestion but does not reply or rate in the author's name)."""
    suggestion = suggestion_or_404(suggestion_id)
    if suggestion.author_id != current_user.id:
        abort(403)
    return suggestion


@bp.get("/")
@login_required
@cached_page("suggestions", "calendar", seconds=60)
def index():
    """"Mine": the user's named suggestions with their status and office answers."""
    page = queries.mine(current_user, page_arg())
    return render("suggestions/index.html", "suggestions/_mine_rows.html", page=page,
                  answer_summary=services.answer_summary)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a suggestion; `?source=paper` is the office typing in a slip from the physical box."""
    paper = request.args.get("source") == "paper"
    if paper and not services.is_office(current_user):
        abort(403)
    # "Type in another paper slip" carries the last slip's date, since a batch often shares one.
    form = SuggestionForm(categories=services.categories(), paper=paper,
                          slip_date=parse_day(request.args.get("slip_date")) if paper else None)
    if form.validate_on_submit():
        filed = _file(form, paper)
        if filed is not None and filed.code:
            # Shown in this response, never via a redirect: the code must not sit in the session
            # cookie next to the user's id, nor in any URL.
            return render_template("suggestions/filed_anonymously.html", code=codes.format_code(filed.code),
                                   repeated=filed.repeated), 200, NO_STORE
        if filed is not None:
            _flash_filed(filed, paper)
            return redirect_after_post(url_for("suggestions.detail", suggestion_id=filed.suggestion.id))
    return render_form("suggestions/new.html", "suggestions/new.html", form, paper=paper)


def _flash_filed(filed, paper: bool) -> None:
    """The office typing a slip gets a record-keeping confirmation; an employee, a thank-you."""
    if paper:
        # Numbered tomorrow with the day's anonymous notes (numbers.py); the title identifies it until then.
        flash(_("The paper slip “%(title)s” is saved; it gets its number tomorrow.", title=filed.suggestion.title),
              "success")
    else:
        flash(_("Thank you! Your suggestion is sent; the office will answer it."), "success")


def _file(form: SuggestionForm, paper: bool):
    try:
        return services.file_suggestion(
            author=current_user, anonymous=bool(form.anonymous.data) if "anonymous" in form else True,
            category=services.category(form.category_id.data), title=form.title.data,
            details=form.details.data, photo=form.photo.data or None, token=form.token.data,
            paper_slip_date=form.slip_date.data if paper else None, entered_by=current_user)
    except services.SuggestionError as exc:
        attach_error(form, exc)
        return None


@bp.get("/<bigint:suggestion_id>")
@login_required
@cached_page("suggestions", "calendar", seconds=60)
def detail(suggestion_id: int):
    """The author's view (answers, reply, rating) or the office's (plus answer form, notes, history)."""
    suggestion = suggestion_or_404(suggestion_id)
    if not services.is_office(current_user):
        return render_template("suggestions/detail.html", **_author_context(suggestion))
    return render("suggestions/triage_detail.html", "suggestions/_answer_form.html", **office_context(suggestion))


def _author_context(suggestion, code: str | None = None) -> dict:
    return {"suggestion": suggestion, "followed": services.followed(suggestion),
            "thread": services.thread(suggestion), "rating": services.rating_of(suggestion),
            "can_rate": services.can_rate(suggestion), "reply_form": ReplyForm(), "rating_form": RatingForm(),
            "code": code, "me_too_count": services.me_too_count(suggestion)}


def office_context(suggestion, **forms) -> dict:
    """Everything the office's page of one suggestion shows; `forms` replaces a form that was refused,
    so the typed input and the reason stay. A chosen template prefills a fresh answer."""
    draft = answers.draft_of(suggestion)
    templates = queries.templates()
    if "form" not in forms:
        forms["form"] = AnswerForm(obj=draft, targets=targets_for(current_user, suggestion), templates=templates,
                                   version=suggestion.version)
        chosen = int_arg("template_id")
        if chosen:
            forms["form"].template_id.data = chosen
            forms["form"].body.data = next((t.body for t in templates if t.id == chosen), forms["form"].body.data)
    forms.setdefault("route_form", RouteForm(formdata=None, departments=routing.departments()))
    return {"suggestion": suggestion, "draft": draft, "notes": answers.notes(suggestion),
            "answers": answers.office_view(suggestion), "events": answers.history(suggestion),
            "duplicates": answers.duplicates_of(suggestion), "note_form": NoteForm(), "merge_form": MergeForm(),
            "can_merge": may_merge(current_user, suggestion), "rating": services.rating_of(suggestion),
            "now": utcnow(), "slip_date": to_local(suggestion.created_at).date().isoformat(),
            "routing": routing.routing_of(suggestion), **forms}


@bp.get("/<bigint:suggestion_id>/photo")
@login_required
def photo(suggestion_id: int):
    """The photo, after the same scope check as the page; `?size=thumb` for the small one."""
    suggestion = suggestion_or_404(suggestion_id)
    name = suggestion.photo_name or abort(404)
    if request.args.get("size") == "thumb":
        name = name.replace(".jpg", ".thumb.jpg")
    return photo_response(services.PHOTO_KIND, name) or abort(404)


@bp.post("/<bigint:suggestion_id>/reply")
@login_required
def reply(suggestion_id: int):
    suggestion = authors_own_or_404(suggestion_id)
    return _reply(suggestion, url_for("suggestions.detail", suggestion_id=suggestion.id))


@bp.post("/<bigint:suggestion_id>/rating")
@login_required
def rate(suggestion_id: int):
    suggestion = authors_own_or_404(suggestion_id)
    return _rate(suggestion, url_for("suggestions.detail", suggestion_id=suggestion.id))


def _reply(suggestion, back: str):
    form = ReplyForm()
    if form.validate_on_submit():
        services.reply(suggestion, form.body.data)
        flash(_("Your reply is sent to the office."), "success")
    else:
        flash(" ".join(str(e) for e in form.body.errors) or _("Write your reply first."), "error")
    return redirect_after_post(back)


def _rate(suggestion, back: str):
    form = RatingForm()
    try:
        if not form.validate_on_submit():
            raise services.SuggestionError(" ".join(str(e) for e in form.score.errors + form.comment.errors))
        services.rate(suggestion, form.score.data, form.comment.data)
        flash(_("Thank you for your rating."), "success")
    except services.SuggestionError as exc:
        flash(str(exc), "error")
    return redirect_after_post(back)


@bp.route("/track", methods=["GET", "POST"])
def track_form():
    """Find an anonymous suggestion by its tracking code; no sign-in needed, nothing is recorded."""
    form = TrackForm()
    if form.validate_on_submit():
        return redirect_after_post(url_for("suggestions.track", code=codes.normalize_code(form.code.data)))
    return render_form("suggestions/track_form.html", "suggestions/track_form.html", form)


@bp.get("/track/<code>")
def track(code: str):
    suggestion = code_or_404(code)
    return render_template("suggestions/detail.html",
                           **_author_context(suggestion, codes.normalize_code(code))), 200, NO_STORE


@bp.post("/track/<code>/reply")
def track_reply(code: str):
    suggestion = code_or_404(code)
    return _reply(suggestion, url_for("suggestions.track", code=codes.normalize_code(code)))


@bp.post("/track/<code>/rating")
def track_rate(code: str):
    suggestion = code_or_404(code)
    return _rate(suggestion, url_for("suggestions.track", code=codes.normalize_code(code)))
