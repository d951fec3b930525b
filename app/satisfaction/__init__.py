"""Satisfaction (issue 16): one 1–5 rating for every service that ends with someone served (a confirmed
repair, a completed visit, by its host or its visitor, a completed cross-department request)."""
from . import hooks, views  # noqa: F401  (routes register on bp)
from .blueprint import bp


def init_app(app) -> None:
    """Registers the blueprint and the template globals the rated features' pages include."""
    app.register_blueprint(bp)
    hooks.init_app(app)
