"""Suggestion box volume: 50,000 suggestions over a year, with answers, board votes and ratings."""
import hashlib
from datetime import timedelta

from sqlalchemy import insert, select

from app.auth.models import User
from app.suggestions import services
from app.suggestions.models import Answer, MeToo, Rating, Suggestion, random_id
from app.suggestions.workflow import Status
from app.timeutil import day_bounds, utcnow

from .pages import GenContext, Page

PAGES = [
    Page("suggestions: triage", "office", "/suggestions/triage"),
    Page("suggestions: triage filtered", "office", "/suggestions/triage?status=new&q=%E9%A3%9F%E5%A0%82"),
    Page("suggestions: triage overdue", "office", "/suggestions/triage?overdue=1&page=3"),
    Page("suggestions: board", "employee", "/suggestions/board"),
    Page("suggestions: digest", "office", "/suggestions/digest"),
    Page("suggestions: mine", "employee", "/suggestions/"),
    Page("suggestions: home card (office)", "office", "/", touch="suggestions"),
]
TOPICS = ["食堂晚餐时间太早", "班车路线需要调整", "会议室空调太冷", "加班后打车报销", "车间照明不足", "周会时间太长",
          "打印机经常卡纸", "停车位不够", "饮水机需要清洗", "安全通道被堵", "Wi-Fi 信号差", "希望增加健身房"]
# Merged duplicates are left out: they would need a survivor and add nothing to the measured pages.
STATUSES = [(Status.NEW, 0.12), (Status.IN_PROGRESS, 0.18), (Status.RESOLVED, 0.48), (Status.DEFERRED, 0.12),
            (Status.DECLINED, 0.1)]


def _status(rng) -> Status:
    roll, total = rng.random(), 0.0
    for status, share in STATUSES:
        total += share
        if roll < total:
            return status
    return Status.RESOLVED


def generate(ctx: GenContext) -> None:
    categories = services.categories()
    people = list(ctx.session.scalars(select(User.id).limit(500))) + [ctx.users["employee"].id] * 40
    office = ctx.users["office"].id
    now = utcnow()
    suggestions, answers, ratings, board = [], [], [], []
    for n in range(ctx.count(50000)):
        status = _status(ctx.rng)
        anonymous = ctx.rng.random() < 0.35
        paper = anonymous and ctx.rng.random() < 0.3
        created = now - ctx.ago()
        if anonymous:
            created, _end = day_bounds(created.date())
        sid = random_id()
        answered = None if status is Status.NEW else created + timedelta(hours=ctx.rng.randrange(1, 240))
        suggestions.append({
            "id": sid, "author_id": None if anonymous else ctx.rng.choice(people), "anonymous": anonymous,
            "source": "paper" if paper else "online", "category_id": ctx.rng.choice(categories).id,
            "title": f"{ctx.rng.choice(TOPICS)} #{n}",
            "details": "希望办公室能尽快研究解决，谢谢！" * ctx.rng.randint(1, 6),
            "status": status.value, "created_at": created, "answer_due_at": created + timedelta(days=7),
            "first_answered_at": answered, "tracking_hash": hashlib.sha256(f"b{n}".encode()).hexdigest()
            if anonymous and not paper else None, "form_token_hash": hashlib.sha256(f"f{n}".encode()).hexdigest(),
            "on_board": status is not Status.NEW and ctx.rng.random() < 0.03, "merged_into_id": None, "version": 2})
        if answered:
            answers.append({"suggestion_id": sid, "from_author": False, "status_from": "new", "status_to": status.value,
                            "body": "感谢您的建议，办公室已安排相关部门跟进处理。", "written_by_id": office,
                            "created_at": answered, "published_at": answered, "thread_at": answered})
        if status.can_be_rated and ctx.rng.random() < 0.4:
            ratings.append({"suggestion_id": sid, "score": ctx.rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 5])[0],
                            "comment": "", "rated_on": (answered + timedelta(days=1)).date()})
        if suggestions[-1]["on_board"]:
            board.extend({"suggestion_id": sid, "user_id": uid} for uid in set(ctx.rng.sample(people, 8)))
    ctx.session.execute(insert(Suggestion), suggestions)
    ctx.session.execute(insert(Answer), answers)
    ctx.session.execute(insert(Rating), ratings)
    ctx.session.execute(insert(MeToo), board)
