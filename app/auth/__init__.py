"""Sign-in, accounts, departments and roles."""
from .hooks import require_password_change
from .views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.before_request(require_password_change)
