"""Home dashboard and health check."""
from app.assets import register_assets

from .views import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    # home.css: the home page's big action buttons. photos.js: every photo input shrinks big photos
    # in the browser before upload (app/uploads.py photo_input_attrs marks the inputs).
    # rating.css: the shared 1–5 rating control (templates/_macros/rating.html).
    register_assets(app, "home.css", "rating.css", "photos.js")
