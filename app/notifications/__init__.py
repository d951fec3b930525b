"""Notifications shared by every feature: notify() and the bell."""
from flask_login import current_user

from .channels import enabled
from .kinds import Kind
from .services import notify, unread_count
from .views import bp

__all__ = ["Kind", "notify", "init_app"]


def _current_user_unread() -> int:
    return unread_count(current_user) if current_user.is_authenticated else 0


def init_app(app) -> None:
    from app.cli import register_periodic
    from app.scheduler import runs_last

    from . import outbox
    app.register_blueprint(bp)
    outbox.init_app(app)
    register_periodic(app, "notifications: deliver", runs_last(outbox.deliver_pending))
    app.jinja_env.globals["current_user_unread"] = _current_user_unread
    _warn_without_base_url(app)


def _warn_without_base_url(app) -> None:
    """Messages carry links; without the public address they would point at http://localhost."""
    on = enabled(app.config)
    if on and not app.config["BASE_URL"]:
        app.logger.warning("OFFICEHUB_BASE_URL is not set: links in messages sent by %s point at "
                           "http://localhost", ", ".join(on))
