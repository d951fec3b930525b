"""Ratings over a year (a third of the repairs and requests rated, visits by host and visitor) and the
monthly report, whose every figure is computed from a year of suggestions, repairs, visits, requests and
tasks. Ratings name their record by id only (no foreign key), so visits generated later are rated too."""

from sqlalchemy import insert, select

from app.satisfaction.models import Rating
from app.timeutil import utcnow

from .pages import GenContext, Page

PAGES = [
    # The report's budget: it reads every feature's month in 16 aggregate queries.
    Page("reports: monthly", "office", "/reports/monthly", budget=6.0),
    Page("reports: monthly, current month", "leader", f"/reports/monthly?month={utcnow():%Y-%m}", budget=6.0),
    Page("surveys: list and trend", "office", "/satisfaction/surveys"),
]
COMMENTS = ["", "", "很及时", "thanks", "态度很好", "slow to respond"]


def _rows(ctx: GenContext, subject: str, count: int, now) -> list[dict]:
    return [{"subject": subject, "subject_id": ident, "rater_id": None, "score": ctx.rng.choice((2, 3, 4, 4, 5, 5)),
             "comment": ctx.rng.choice(COMMENTS), "created_at": now - ctx.ago()}
            for ident in range(1, count + 1)]


def generate(ctx: GenContext) -> None:
    now = utcnow()
    rows = (_rows(ctx, "repair", ctx.count(20000), now) + _rows(ctx, "request", ctx.count(7000), now)
            + _rows(ctx, "visit", ctx.count(3000), now) + _rows(ctx, "visit_guest", ctx.count(1500), now))
    taken = set(ctx.session.execute(select(Rating.subject, Rating.subject_id)).tuples())  # the demo's own
    rows = [row for row in rows if (row["subject"], row["subject_id"]) not in taken]
    for start in range(0, len(rows), 5000):
        ctx.session.execute(insert(Rating), rows[start:start + 5000])
