"""An employee files a suggestion from a phone: named, anonymous, or the office types a paper slip;
bad input is refused with a clear message and nothing half-written."""
import io
from datetime import date, time, timedelta

from PIL import Image
from sqlalchemy import func, select

from app.auth.roles import Role
from app.extensions import db
from app.suggestions import answers
from app.suggestions.models import Answer, Event, Suggestion
from app.timeutil import to_local
from app.uploads import StoredPhoto

from .photos import jpeg_bytes


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Suggestion))


def _form(categories, **overrides):
    data = {"category_id": categories[2].id, "title": "班车路线 🚌", "details": "希望增加到园区东门的站点。",
            "token": "token-abcdefghijklmnop"}
    data.update(overrides)
    return data


def test_form_has_counter_categories_photo_and_anonymous_switch(client, login_as, categories):
    login_as()
    page = client.get("/suggestions/new").get_data(as_text=True)
    assert 'data-counter="#details-count"' in page and 'data-maxlength="2000"' in page and 'data-maxlength="80"' in page
    assert ' maxlength=' not in page  # a browser would cut a pasted text there without a word
    assert "Commuting" in page and 'accept="image/*"' in page and 'role="switch"' in page
    assert "<nav" in page


def test_named_suggestion_goes_to_mine_with_its_status(client, login_as, categories):
    me = login_as()
    response = client.post("/suggestions/new", data=_form(categories))
    assert response.status_code == 303
    suggestion = db.session.scalar(select(Suggestion))
    assert suggestion.author_id == me.id and not suggestion.anonymous and suggestion.source == "online"
    mine = client.get("/suggestions/").get_data(as_text=True)
    assert "班车路线 🚌" in mine and "New" in mine


def test_mine_shows_the_whole_latest_answer_the_plan_and_older_answers(client, login_as, make_suggestion, publish):
    me = login_as()
    suggestion = make_suggestion(me, title="会议室太少")
    long_answer = "我们统计了各楼层的会议室使用情况。" * 20  # longer than any excerpt
    publish(suggestion, "in_progress", "已收到，正在统计。")
    target = date.today() + timedelta(days=45)
    publish(suggestion, "deferred", long_answer, plan="三楼储藏室改成两间小会议室", target_date=target)
    publish(suggestion, "", "施工队已经联系好。")  # a later answer without a status change
    row = client.get("/suggestions/").get_data(as_text=True)
    assert "施工队已经联系好。" in row and "Deferred" in row
    assert "三楼储藏室改成两间小会议室" in row  # the plan stays visible while deferred
    assert "2 earlier answers" in row and f'/suggestions/{suggestion.id}#thread' in row
    assert "已收到，正在统计。" not in row
    publish(suggestion, "", long_answer)
    assert long_answer in client.get("/suggestions/").get_data(as_text=True)  # in full, not cut off


def test_mine_of_a_merged_suggestion_shows_the_survivors_answer(client, login_as, make_suggestion, make_user,
                                                                 office_user, publish):
    me = login_as()
    survivor, mine = make_suggestion(make_user(), title="别人的"), make_suggestion(me, title="我的重复建议")
    answers.merge(mine, survivor, office_user)
    row = client.get("/suggestions/").get_data(as_text=True)
    assert "merged with a suggestion on the same topic" in row and "its answers will appear here" in row
    publish(survivor, "resolved", "已经办好了。")
    row = client.get("/suggestions/").get_data(as_text=True)
    assert "已经办好了。" in row and "Resolved" in row and "1 earlier answer" in row


def test_double_tap_creates_one_suggestion(client, login_as, categories):
    login_as()
    first = client.post("/suggestions/new", data=_form(categories))
    second = client.post("/suggestions/new", data=_form(categories))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1


def test_resent_anonymous_form_creates_one_and_shows_the_same_code(client, login_as, categories):
    login_as()
    pages = [client.post("/suggestions/new", data=_form(categories, anonymous="y")).get_data(as_text=True)
             for _ in range(2)]
    codes = [p.split('id="tracking-code">')[1].split("<")[0] for p in pages]
    assert codes[0] == codes[1] and len(codes[0]) == 19
    assert "already been sent" in pages[1]
    assert _count() == 1


def test_tracking_code_opens_only_its_own_note(client, login_as, categories, make_suggestion):
    login_as()
    page = client.post("/suggestions/new", data=_form(categories, anonymous="y", title="我的匿名建议"))
    code = page.get_data(as_text=True).split('id="tracking-code">')[1].split("<")[0]
    make_suggestion(None, title="别人的匿名建议")
    client.post("/logout")
    tracked = client.get(f"/suggestions/track/{code.lower()}").get_data(as_text=True)
    assert "我的匿名建议" in tracked and "别人的匿名建议" not in tracked
    response = client.post("/suggestions/track", data={"code": code})
    assert response.status_code == 303 and response.headers["Location"].endswith(code.replace("-", ""))


def test_wrong_tracking_code_says_so(client):
    response = client.post("/suggestions/track", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 422
    assert "No suggestion has this tracking code" in response.get_data(as_text=True)
    assert client.get("/suggestions/track/not-a-code").status_code == 404


def test_empty_and_oversize_fields_keep_the_text(client, login_as, categories):
    login_as()
    response = client.post("/suggestions/new", data=_form(categories, title="", details="很长" * 1001))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in page and "2000" in page
    assert "很长很长" in page
    response = client.post("/suggestions/new", data=_form(categories, title="标" * 81))
    assert response.status_code == 422 and "标" * 81 in response.get_data(as_text=True)
    assert _count() == 0


def test_a_file_that_is_not_a_photo_is_refused(client, login_as, categories, app):
    login_as()
    response = client.post("/suggestions/new", data=_form(categories, photo=(io.BytesIO(b"%PDF-1.4 hello"), "a.jpg")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a photo we can read" in page and "班车路线" in page
    assert _count() == 0


def test_a_photo_over_25_mb_is_refused(client, login_as, categories):
    login_as()
    big = jpeg_bytes(exif=False) + b"\0" * (25 * 1024 * 1024)
    response = client.post("/suggestions/new", data=_form(categories, photo=(io.BytesIO(big), "big.jpg")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "larger than 25 MB" in response.get_data(as_text=True)
    assert _count() == 0


def test_author_sees_the_photo_others_do_not(client, login_as, categories, make_user):
    login_as()
    client.post("/suggestions/new", data=_form(categories, photo=(io.BytesIO(jpeg_bytes()), "p.jpg")),
                content_type="multipart/form-data")
    suggestion = db.session.scalar(select(Suggestion))
    assert client.get(f"/suggestions/{suggestion.id}/photo").mimetype == "image/jpeg"
    assert client.get(f"/suggestions/{suggestion.id}/photo?size=thumb").status_code == 200
    client.post("/logout")
    login_as()
    assert client.get(f"/suggestions/{suggestion.id}/photo").status_code == 404
    assert client.get(f"/suggestions/{suggestion.id}").status_code == 404


def test_paper_slip_is_anonymous_dated_by_the_slip(client, login_as, categories):
    office = login_as(Role.OFFICE)
    slip = date.today() - timedelta(days=3)
    response = client.post("/suggestions/new?source=paper", data=_form(categories, slip_date=slip.isoformat()))
    suggestion = db.session.scalar(select(Suggestion))
    assert response.status_code == 303 and response.headers["Location"] == f"/suggestions/{suggestion.id}"
    assert suggestion.source == "paper" and suggestion.anonymous and suggestion.author_id is None
    assert to_local(suggestion.created_at).date() == slip and to_local(suggestion.created_at).time() == time(0)
    assert suggestion.tracking_hash is None
    event = db.session.scalar(select(Event))
    assert event.kind == "paper" and event.actor_id == office.id


def test_saving_a_paper_slip_confirms_it_to_the_office_with_a_link_to_the_next(client, login_as, categories):
    login_as(Role.OFFICE)
    slip = date.today() - timedelta(days=2)
    response = client.post("/suggestions/new?source=paper", data=_form(categories, slip_date=slip.isoformat()),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    suggestion = db.session.scalar(select(Suggestion))
    assert f"The paper slip “{suggestion.title}” is saved; it gets its number tomorrow." in page
    assert "Your suggestion is sent" not in page and "Thank you" not in page
    next_slip = f'href="/suggestions/new?source=paper&amp;slip_date={slip.isoformat()}"'
    assert next_slip in page and "Type in another paper slip" in page
    form = client.get(f"/suggestions/new?source=paper&slip_date={slip.isoformat()}").get_data(as_text=True)
    assert f'value="{slip.isoformat()}"' in form  # a batch of slips often shares one date


def test_an_employee_is_thanked_and_sees_no_paper_slip_link(client, login_as, categories):
    login_as()
    page = client.post("/suggestions/new", data=_form(categories), follow_redirects=True).get_data(as_text=True)
    assert "Thank you! Your suggestion is sent" in page and "paper slip" not in page


def test_paper_slip_needs_its_date_and_the_office(client, login_as, categories):
    login_as()
    assert client.get("/suggestions/new?source=paper").status_code == 403
    client.post("/logout")
    login_as(Role.OFFICE)
    response = client.post("/suggestions/new?source=paper", data=_form(categories))
    assert response.status_code == 422 and _count() == 0
    future = (date.today() + timedelta(days=5)).isoformat()
    response = client.post("/suggestions/new?source=paper", data=_form(categories, slip_date=future))
    assert response.status_code == 422 and "future" in response.get_data(as_text=True)


def test_author_replies_and_rates_after_the_answer(client, login_as, make_suggestion, publish):
    me = login_as()
    suggestion = make_suggestion(me)
    response = client.post(f"/suggestions/{suggestion.id}/rating", data={"score": "5"})
    assert response.status_code == 303
    assert "once the office has given its answer" in client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    publish(suggestion, "resolved", "已延长晚餐时间。")
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "已延长晚餐时间。" in page and "Rate how it was handled" in page
    client.post(f"/suggestions/{suggestion.id}/reply", data={"body": "谢谢！"})
    client.post(f"/suggestions/{suggestion.id}/rating", data={"score": "4", "comment": "很快"})
    second = client.post(f"/suggestions/{suggestion.id}/rating", data={"score": "1"})
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "谢谢！" in page and "(4/5)" in page and "很快" in page
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.from_author)) == 1


def test_anonymous_author_reads_answer_replies_and_rates_on_the_tracking_page(client, make_suggestion, publish):
    suggestion = make_suggestion(None)
    publish(suggestion, "declined", "原因：不符合安全规定。")
    page = client.get(f"/suggestions/track/{suggestion.code}").get_data(as_text=True)
    assert "原因：不符合安全规定。" in page and "Declined" in page
    client.post(f"/suggestions/track/{suggestion.code}/rating", data={"score": "2", "comment": "理解"})
    page = client.get(f"/suggestions/track/{suggestion.code}").get_data(as_text=True)
    assert "(2/5)" in page


def test_rating_out_of_range_is_refused(client, make_suggestion, publish):
    suggestion = make_suggestion(None)
    publish(suggestion, "resolved", "好了")
    response = client.post(f"/suggestions/track/{suggestion.code}/rating", data={"score": "9"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rate how it was handled" in page


def test_a_chinese_reader_files_in_chinese(client, login_as, categories):
    login_as(locale="zh_CN")
    page = client.get("/suggestions/new").get_data(as_text=True)
    assert "提建议" in page and "匿名提交" in page and "通勤" in page and "Send anonymously" not in page


def test_every_page_reads_in_chinese(client, login_as, make_suggestion, publish, make_user):
    named = make_suggestion(make_user(), title="实名建议")
    anonymous = make_suggestion(None, title="匿名建议")
    publish(named, "deferred", "预算原因", plan="下季度", target_date=date.today() + timedelta(days=30))
    named.on_board = True
    db.session.commit()
    login_as(Role.OFFICE, locale="zh_CN")
    for path in ["/suggestions/", "/suggestions/new", "/suggestions/new?source=paper", "/suggestions/triage",
                 f"/suggestions/{named.id}", f"/suggestions/{anonymous.id}", "/suggestions/drafts",
                 "/suggestions/board", "/suggestions/digest", "/suggestions/templates", "/suggestions/categories",
                 "/suggestions/track", f"/suggestions/track/{anonymous.code}", "/"]:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "意见箱" in page and "Suggestion box" not in page, path
    assert "暂缓" in client.get(f"/suggestions/{named.id}").get_data(as_text=True)


def test_pages_with_a_tracking_code_are_not_cached(client, login_as, categories, make_suggestion):
    login_as()
    response = client.post("/suggestions/new", data=_form(categories, anonymous="y"))
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(f"/suggestions/track/{make_suggestion(None).code}").headers["Cache-Control"] == "no-store"


def test_new_suggestion_needs_the_csrf_token(app, client, login_as, categories):
    login_as()
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"category_id": categories[0].id, "title": "无令牌", "details": "d", "token": "csrf-test-token-123"}
    response = client.post("/suggestions/new", data=data)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0
    page = client.get("/suggestions/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/suggestions/new", data={**data, "csrf_token": token})
    assert response.status_code == 303


def test_a_12_mb_phone_photo_is_taken_and_stored_small_without_exif(client, login_as, categories):
    """A big photo sent as it is (no JavaScript to shrink it first) is no longer refused."""
    login_as()
    noise = Image.effect_noise((4000, 3000), 90).convert("RGB")
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "TraceableCamera"
    noise.save(buffer, "JPEG", quality=100, exif=exif)
    data = buffer.getvalue() + b"\0" * max(0, 12 * 1024 * 1024 - buffer.tell())
    response = client.post("/suggestions/new", data=_form(categories, photo=(io.BytesIO(data), "IMG_4032.jpg")),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    suggestion = db.session.scalar(select(Suggestion))
    stored = Image.open(io.BytesIO(db.session.get(StoredPhoto, suggestion.photo_name).data))
    assert max(stored.size) == 1600 and "TraceableCamera" not in str(stored.getexif())


def test_a_long_pasted_text_is_kept_whole_and_the_author_told_how_much_to_shorten(client, login_as, categories):
    login_as()
    pasted = "食堂" * 2500  # 5,000 characters where 2,000 fit
    response = client.post("/suggestions/new", data=_form(categories, details=pasted))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This is 3000 characters too long: shorten it to at most 2000." in page
    assert pasted in page  # nothing was cut
    assert _count() == 0


def test_the_rating_is_one_radio_group_with_its_ends_in_words(client, login_as, make_suggestion, publish):
    me = login_as(locale="zh_CN")
    suggestion = make_suggestion(me)
    publish(suggestion, "resolved", "已处理。")
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    group = page.split('<fieldset class="rating-scale"')[1].split("</fieldset>")[0]
    assert group.count('type="radio"') == 5 and group.count('name="score"') == 5
    assert "<legend>" in group and "很不满意" in group and "很满意" in group
    assert group.index("很不满意") < group.index('value="2"') and group.index('value="5"') < group.index(">很满意<")
