"""Links to a request for notifications, built the same inside a request and in `flask tick`."""
from flask import current_app, has_request_context, url_for


def detail_link(repair_id: int) -> str:
    if has_request_context():
        return url_for("repairs.detail", repair_id=repair_id)
    # `flask tick` runs without a request; the path alone is what notifications store.
    with current_app.test_request_context():
        return url_for("repairs.detail", repair_id=repair_id)
