"""Whoever files a repair or a cross-department request gets a receipt with its number and link (issue 11):
in the app only by default, so nobody's phone buzzes for their own action, while the staff who must act are
still reached outside it."""
from sqlalchemy import select

from app.auth.roles import Role
from app.extensions import db
from app.notifications.models import Delivery, Notification
from app.repairs.models import RepairRequest
from app.requests.models import RequestHandler, RequestType, ServiceRequest


def _with_mail(user):
    user.email = f"{user.login}@office.test"
    db.session.commit()
    return user


def _receipt(user) -> Notification:
    return db.session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                        Notification.kind == "receipt"))


def _mailed_to(user) -> int:
    return len(db.session.scalars(select(Delivery).join(Notification).where(Notification.user_id == user.id)).all())


def test_filing_a_request_gives_the_requester_a_receipt_in_the_app_only(app, client, smtp, login_as, make_user,
                                                                       make_department):
    quality = make_department()
    request_type = RequestType(name_zh="检测报告申请", name_en="Test report request", department=quality)
    handler = make_user(department=quality)
    db.session.add_all([request_type, RequestHandler(department_id=quality.id, user_id=handler.id)])
    _with_mail(handler)
    sales = _with_mail(login_as())
    page = client.get(f"/requests/new?type={request_type.id}").get_data(True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/requests/new", data={"type_id": request_type.id, "text": "需要检测报告 🙂",
                                              "token": token}).status_code == 303
    item = db.session.scalar(select(ServiceRequest))
    receipt = _receipt(sales)
    assert receipt.message == (f"Receipt: your request #{item.id} (Test report request) is filed with Testing. "
                               "You will be told of every step.")
    assert receipt.link == f"/requests/{item.id}"
    assert _mailed_to(sales) == 0 and _mailed_to(handler) == 1  # the handler, who must act, gets the e-mail
    assert f"#{item.id}" in client.get("/notifications/").get_data(True)


def test_filing_a_repair_gives_the_requester_a_receipt_in_the_app_only(app, client, smtp, login_as, make_user,
                                                                      make_equipment):
    equipment = make_equipment()
    tech = _with_mail(make_user(Role.MAINTENANCE))
    employee = _with_mail(login_as())
    response = client.post("/repairs/new", data={
        "location_id": equipment.location_id, "equipment_id": equipment.id, "category": "hvac",
        "urgency": "normal", "description": "空调不制冷 the air conditioner blows warm", "token": "receipt-token-1"})
    assert response.status_code == 303
    repair = db.session.scalar(select(RepairRequest))
    receipt = _receipt(employee)
    assert receipt.message.startswith(f"Receipt: your repair request #{repair.id} at ")
    assert receipt.link == f"/repairs/{repair.id}"
    assert _mailed_to(employee) == 0 and _mailed_to(tech) == 1
