"""Sign-in, accounts, departments and roles."""
from .hooks import require_password_change
from .views import bp


def init_app(app) -> None:
    from app.cli import register_periodic

    from . import services, throttle
    app.register_blueprint(bp)
    app.before_request(require_password_change)
    register_periodic(app, "accounts: ended sessions", services.purge_sessions)
    register_periodic(app, "accounts: sign-in counters", throttle.purge_expired)
