"""An employee's home page puts the everyday actions first, then their open requests with their clocks,
then the notifications (issue 13); the login page leads to the anonymous-suggestion tracking page."""
from app.auth.roles import Role
from tests.conftest import PASSWORD


def _sign_in(client, user):
    assert client.post("/login", data={"login": user.login, "password": PASSWORD}).status_code == 303


def test_home_offers_the_two_everyday_actions_before_anything_else(client, login_as):
    login_as(Role.EMPLOYEE)
    page = client.get("/").get_data(as_text=True)
    repair, suggest = page.index('href="/repairs/new"'), page.index('href="/suggestions/new"')
    assert ">I need a repair</a>" in page and ">Make a suggestion</a>" in page
    assert repair < page.index("My open requests") < page.index("Latest notifications")
    assert suggest < page.index("My open requests")
    assert "Nothing open" in page


def test_home_lists_my_open_requests_with_their_clocks_and_leaves_out_settled_ones(
        client, make_user, make_repair, make_suggestion):
    me = make_user(Role.EMPLOYEE, locale="zh_CN")
    make_repair(requester=me, description="三楼空调不制冷")
    make_repair(requester=me, status="closed", description="已修好的灯")
    make_repair(description="别人的报修")
    make_suggestion(me, title="食堂加个微波炉")
    _sign_in(client, me)
    page = client.get("/").get_data(as_text=True)
    assert "我要报修" in page and "提建议" in page and "我未办结的事项" in page
    assert "三楼空调不制冷" in page and "首次响应" in page
    assert "已修好的灯" not in page and "别人的报修" not in page
    assert "食堂加个微波炉" in page and "应在" in page  # the suggestion's clock: when the answer is due


def test_the_login_page_leads_to_the_anonymous_tracking_page(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/suggestions/track"' in page
    assert "Follow an anonymous suggestion with its tracking code" in page
