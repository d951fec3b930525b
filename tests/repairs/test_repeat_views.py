"""The office's board is reused by the browser (304) only while nothing on it has changed."""
import threading

from app.auth.roles import Role
from app.extensions import db
from app.repairs.models import RepairRequest
from tests import PARTIAL


def test_the_board_is_not_modified_until_a_repair_changes(client, login_as, make_repair):
    login_as(Role.OFFICE)
    repair = make_repair(description="打印机卡纸")
    first = client.get("/repairs/board")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and "打印机卡纸" in first.get_data(True)
    assert client.get("/repairs/board", headers={"If-None-Match": tag}).status_code == 304
    # A fragment of the same address is another answer, with its own tag.
    assert client.get("/repairs/board", headers={"If-None-Match": tag, **PARTIAL}).status_code == 200

    repair.description = "打印机卡纸，已经第三次"
    db.session.commit()
    again = client.get("/repairs/board", headers={"If-None-Match": tag})
    assert again.status_code == 200 and "已经第三次" in again.get_data(True)


def test_two_repairs_filed_at_the_same_moment_both_show(client, login_as, make_repair, app):
    """Concurrent writes each raise the counter: the copy taken between them is not reused."""
    login_as(Role.OFFICE)
    make_repair(description="first")
    tag = client.get("/repairs/board").headers["ETag"]
    start = threading.Barrier(2)

    def write(text):
        with app.app_context():
            start.wait()
            repair = db.session.get(RepairRequest, first_id)
            db.session.add(RepairRequest(**{c: getattr(repair, c) for c in COPIED}, description=text))
            db.session.commit()
            db.session.remove()

    first_id = db.session.scalar(db.select(RepairRequest.id))
    threads = [threading.Thread(target=write, args=(text,)) for text in ("左边漏水", "右边漏水")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    page = client.get("/repairs/board", headers={"If-None-Match": tag})
    assert page.status_code == 200
    assert "左边漏水" in page.get_data(True) and "右边漏水" in page.get_data(True)


COPIED = ("requester_id", "location_id", "category", "urgency", "status", "created_at", "response_due", "fix_due")
