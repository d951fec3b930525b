"""Satisfaction (issue 16): one 1–5 rating for every service that ends with someone served (a confirmed
repair, a completed visit, by its host or its visitor, a completed cross-department request)."""
from app.cli import register_demo_seeder

from . import hooks, views  # noqa: F401  (routes register on bp)
from .blueprint import bp
from .demo import seed_demo


def init_app(app) -> None:
    """Registers the blueprint, the template globals the rated features' pages include, and the demo."""
    app.register_blueprint(bp)
    hooks.init_app(app)
    register_demo_seeder(app, seed_demo)
