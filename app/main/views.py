"""Home dashboard and health check."""
from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from app.extensions import db
from app.notifications.queries import failing_channels
from app.pagecache import cached_page
from app.timeutil import utcnow

from . import home as home_lists
from .dashboard import cards_for

bp = Blueprint("main", __name__)
# The home page's own lists (the reader's open repairs and suggestions) and every card's topics: a test
# checks that each registered card's topics are among them.
HOME_TOPICS = ("suggestions", "repairs", "visits", "meetings", "requests", "tasks", "rooms", "calendar")


@bp.get("/")
@login_required
@cached_page(*HOME_TOPICS, seconds=60)
def home():
    return render_template("main/home.html", cards=cards_for(current_user), now=utcnow(),
                           latest=home_lists.latest_notifications(current_user),
                           repairs=home_lists.open_repairs(current_user),
                           suggestions=home_lists.open_suggestions(current_user))


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any driver error means unhealthy; the detail goes to the log, not the probe
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "error", "version": current_app.config["VERSION"],
            "database": database}
    if database == "ok":
        # A messaging channel down for a while is reported, but the app itself still serves: 200.
        body["channels_failing"] = failing_channels(int(current_app.config["NOTIFY_HEALTH_MINUTES"]))
    return jsonify(body), status, {"Cache-Control": "no-store"}
