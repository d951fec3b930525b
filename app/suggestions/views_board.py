"""The public board ("you said, we did") and its "me too" button."""
from flask import abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.htmx import redirect_after_post, render, wants_fragment
from app.pagecache import cached_page
from app.params import page_arg

from . import queries, services
from .blueprint import bp
from .models import Suggestion


@bp.get("/board")
@login_required
@cached_page("suggestions", "calendar", seconds=60)
def board():
    """Published suggestions with the office's answers; never their authors."""
    page = queries.board(current_user, page_arg())
    return render("suggestions/board.html", "suggestions/_board_rows.html", page=page)


@bp.post("/<bigint:suggestion_id>/me-too")
@login_required
def me_too(suggestion_id: int):
    """Count the reader once; the inline button is swapped for the new count, the thanks shown at once."""
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or not suggestion.on_board:
        abort(404)
    counted = services.me_too(suggestion, current_user)
    flash(_("Counted. Thank you!") if counted else _("You had already said “me too”."), "success")
    if wants_fragment():
        item = queries.board_item(current_user, suggestion_id)
        return render_template("suggestions/_me_too.html", item=item)
    return redirect_after_post(url_for("suggestions.board"))
