"""The navigation menu: each feature registers its entries and the roles that see them."""
from dataclasses import dataclass

from flask import current_app, request
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
    items = nav_for(current_user)
    return {"nav_items": items, "active_endpoint": _active(items)}


def init_app(app) -> None:
    app.context_processor(_inject)
