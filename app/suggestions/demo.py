"""Demo data for `flask seed-demo`: categories, answer templates, a few answered suggestions and one drafted
answer (the office's page draws drafts differently, and the web-standards checks should see one)."""
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.timeutil import today

from . import answers, services
from .models import AnswerTemplate, Suggestion
from .workflow import Status

TEMPLATES = [
    ("已安排处理", "感谢您的建议！办公室已安排相关部门处理，预计本周内完成。"),
    ("纳入计划", "感谢您的建议。该事项需要预算审批，已纳入下季度计划，届时会在此更新进展。"),
    ("已转交", "感谢反馈，已转交后勤部跟进，后续进展会在此答复。"),
]
EXAMPLES = [
    # (login or None for anonymous, category index, title, details, status, answer, on board); the answer to a
    # suggestion left new is a draft, not yet published.
    ("employee", 1, "食堂晚餐结束太早", "研发部经常加班到八点以后，食堂七点就关门了，希望能延长晚餐时间或提供夜宵。",
     Status.RESOLVED, "食堂自下周一起晚餐供应延长至20:30，并提供简餐夜宵。", True),
    (None, 2, "加班后打车报销流程太复杂", "晚上十点后打车需要三级审批，能否简化？",
     Status.DEFERRED, "原因：涉及财务制度修订。计划：财务部下月提交简化方案。", True),
    ("employee", 0, "3号楼会议室空调太冷", "会议室空调温度无法调节，开会时很冷。", Status.NEW,
     "已请后勤部检查3号楼会议室的温控面板，本周内答复。", False),
    (None, 4, "周会时间太长", "每周例会经常超过两个小时，建议控制时间。", Status.IN_PROGRESS,
     "办公室正在与各部门商量新的议程安排。", False),
]


def seed_demo() -> None:
    """Idempotent enough for `seed-demo --force`: nothing is added when suggestions exist."""
    services.seed_default_categories()
    if db.session.scalar(select(func.count()).select_from(Suggestion)):
        return
    for title, body in TEMPLATES:
        db.session.add(AnswerTemplate(title=title, body=body))
    db.session.commit()
    office = db.session.scalar(select(User).where(User.login == "office"))
    cats = services.categories()
    for login, cat, title, details, status, text, on_board in EXAMPLES:
        author = db.session.scalar(select(User).where(User.login == login)) if login else None
        filed = services.file_suggestion(author=author, anonymous=author is None, category=cats[cat], title=title,
                                         details=details, token=secrets.token_urlsafe(24))
        suggestion = filed.suggestion
        suggestion.created_at -= timedelta(days=3)
        db.session.commit()
        if text and office is not None:
            _answer(suggestion, office, status, text)
        if on_board and office is not None:
            answers.set_on_board(suggestion, office, True)


def _answer(suggestion: Suggestion, office: User, status: Status, text: str) -> None:
    """Publish the answer with its status change; for a suggestion that stays new, keep it as a draft."""
    draft = status is Status.NEW
    plan = "财务部提交简化方案并试行。" if status is Status.DEFERRED else ""
    target = today() + timedelta(days=30) if status is Status.DEFERRED else None
    answers.answer(suggestion, office, version=suggestion.version, status_to="" if draft else status.value,
                   body=text, plan=plan, target_date=target, publish=not draft)
