"""Office Hub: the administrative office's intranet."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# database, idempotency and revisions are imported for their side effects: the SQLite connect hook, the
# form-token table, the revision counters raised with every write.
from app import assets, database, diagnostics, errors, htmx, i18n, idempotency, navigation, params, revisions, security  # noqa: F401
from app.config import ENV_PREFIX, Config, derive
from app.extensions import compress, csrf, db, login_manager, migrate

__version__ = "0.1.0"


def create_app(config=None) -> Flask:
    """Build the application; tests pass a TestConfig, everything else reads the environment."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    params.init_app(app)  # before any blueprint adds a rule: ids past the integer range are 404s
    register_config(app, config)
    register_extensions(app)
    register_features(app)
    register_commands(app)
    return app


def register_config(app: Flask, config) -> None:
    app.config.from_object(config or Config())
    if config is None:
        app.config.from_prefixed_env(ENV_PREFIX)
    derive(app.config)
    app.config["VERSION"] = __version__
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        # Behind a reverse proxy the client address (used by the login limit) is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    csrf.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_MESSAGE
    login_manager.login_message_category = "info"
    i18n.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    htmx.init_app(app)
    from app import forms  # the `kept` template default (a refused inline form)
    forms.init_app(app)
    from app import links  # the id_path template helper
    links.init_app(app)
    navigation.init_app(app)
    diagnostics.init_app(app)
    from app import fragments  # rendered parts kept between requests (the home cards)
    fragments.init_app(app)


def register_features(app: Flask) -> None:
    """Each feature package registers its blueprint, navigation entries and dashboard cards."""
    from app import (
        admin,
        auth,
        calendar,
        main,
        meetings,
        notifications,
        repairs,
        reports,
        requests,
        rooms,
        satisfaction,
        suggestions,
        tasks,
        visits,
    )
    for feature in (auth, main, notifications, admin, calendar, suggestions, repairs, rooms, visits, meetings,
                    tasks, requests, satisfaction, reports):
        feature.init_app(app)


def register_commands(app: Flask) -> None:
    from app import cli
    cli.init_app(app)
