"""Home dashboard and health check."""
from .views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
