"""The navigation menu: each feature registers its entries and the roles that see them."""
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string, rendered in the reader's language
    roles: tuple
    order: int = 50

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]


@dataclass(frozen=True)
class Tab:
    """One tab of a feature's sub-navigation; `also` lists endpoints that light it up too."""
    endpoint: str
    label: object
    roles: tuple = ()   # empty: every signed-in user
    also: tuple = ()


@dataclass(frozen=True)
class ShownTab:
    url: str
    label: object
    current: bool


def register_tabs(app, name: str, tabs: list) -> None:
    """A feature's tabs, drawn by `{{ ui.tabs(feature_tabs(name), label) }}`."""
    app.extensions.setdefault("officehub_tabs", {})[name] = tabs


def feature_tabs(name: str, current: str | None = None) -> list[ShownTab]:
    """The tabs of feature `name` that the signed-in user may open, the current one marked: the tab of
    this endpoint, or `current` when a page shared by several audiences names its tab itself."""
    if not current_user.is_authenticated:
        return []
    lit = current or request.endpoint
    return [ShownTab(url_for(tab.endpoint), tab.label, lit in (tab.endpoint, *tab.also))
            for tab in current_app.extensions.get("officehub_tabs", {}).get(name, [])
            if not tab.roles or current_user.has_any_role(*tab.roles)]


def register_nav(app, item: NavItem) -> None:
    app.extensions.setdefault("officehub_nav", []).append(item)


def nav_for(user) -> list[NavItem]:
    items = current_app.extensions.get("officehub_nav", [])
    return sorted((i for i in items if user.has_any_role(*i.roles)), key=lambda i: i.order)


def _active(items: list[NavItem]) -> str | None:
    """The entry for this page: the exact endpoint, else the first entry of the same blueprint
    (a detail page lights up its list), so one feature with several entries lights up only one."""
    if any(item.endpoint == request.endpoint for item in items):
        return request.endpoint
    return next((item.endpoint for item in items if item.blueprint == request.blueprint), None)


def _inject():
    if not current_user.is_authenticated:
        return {"nav_items": [], "active_endpoint": None}
    # Once per request (kept with the request itself): a page that renders its parts separately (the home
    # page's cards) runs the context processors for every part.
    kept = request.environ.get("officehub.nav")
    if kept is None:
        items = nav_for(current_user)
        kept = request.environ["officehub.nav"] = {"nav_items": items, "active_endpoint": _active(items)}
    return kept


def init_app(app) -> None:
    app.context_processor(_inject)
    app.add_template_global(feature_tabs)
