"""What the rated features' pages include: `rating_box(subject, record)` and `visitor_rating(visit)`.

Template globals, so a repair's, visit's or request's page needs one line and no change to its view
(its @cached_page names the "satisfaction" topic, as these read the ratings table).
"""
from flask import current_app, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from app.auth.roles import Role

from . import links, services
from .forms import RatingForm


def rating_box(subject: str, record) -> Markup:
    """The rating given by the current user, or the form to give it; nothing for anyone else."""
    user = current_user if current_user.is_authenticated else None
    box = services.box(subject, record, user)
    if box is None:
        return Markup("")
    if box["rating"] is None:
        box["form"] = RatingForm(formdata=None)
        box["action"] = url_for("satisfaction.rate", subject=subject, record_id=record.id)
    return Markup(render_template("satisfaction/_box.html", subject=subject, box=box))


def visitor_rating(visit) -> Markup:
    """On a completed visit, for its host, owner and the office: the visitor's rating, or the link to give them."""
    if visit.status != "completed" or not current_user.is_authenticated:
        return Markup("")
    if current_user.id not in (visit.host_id, visit.owner_id) and not current_user.has_any_role(Role.OFFICE):
        return Markup("")
    rating = services.guest_rating(visit)
    guest = {"rating": rating, "days": int(current_app.config["SATISFACTION_GUEST_LINK_DAYS"]),
             "link": None if rating else links.guest_link(visit.id)}
    return Markup(render_template("satisfaction/_guest_link.html", guest=guest))


def init_app(app) -> None:
    app.jinja_env.globals.update(rating_box=rating_box, visitor_rating=visitor_rating)
