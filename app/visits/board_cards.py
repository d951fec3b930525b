"""What each front-desk card shows of its visit, decided in Python for the whole board at once.

The board draws some 50 cards. Each card used to ask six helpers (progress, next due step, reception's next
tick, undo, overdue marks, personal data) and draw its status and the next step's responsible through
flask-babel's lazy strings: about 17 template function calls per card, a third of the page. Here the board's
steps are read once as plain tuples (not as ORM objects), each card's answers are worked out in one pass, and
the labels are translated once for the page: the card template only writes them out.
"""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import and_, bindparam, or_, select

from app.choices import LabelledEnum
from app.extensions import db

from . import services
from .checklist import UNDO_WINDOW, can_undo
from .models import Responsible, VisitStep, open_step_overdue
from .queries import StepCount, step_counts
from .rows import visitor_count
from .workflow import Shown, StepState, VisitStatus, stored


class CardStep(NamedTuple):
    """What a card reads of a step. A plain tuple, not the database row: the cards look at each of 400 steps'
    fields a few times, and a row's field costs some thirty times a tuple's."""
    id: int
    visit_id: int
    position: int
    title: str
    responsible: str
    due_at: datetime
    state: str
    done_by_id: int | None
    done_at: datetime | None
    late_planned: bool


CARD_STEP_COLUMNS = (VisitStep.id, VisitStep.visit_id, VisitStep.position, VisitStep.title, VisitStep.responsible,
                     VisitStep.due_at, VisitStep.state, VisitStep.done_by_id, VisitStep.done_at,
                     VisitStep.late_planned)
OPEN_VISIT = frozenset(stored((VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)))
OPEN, RECEPTION = StepState.OPEN.value, Responsible.RECEPTION.value


@dataclass(frozen=True, slots=True)
class CardFacts:
    """One card's answers. `next_due` is only set when the card shows it: an open visit whose first due
    step is not reception's own (that one is the big tick button, `tick`). `people` and `progress` are the
    card's visitors and checklist progress as written."""
    count: StepCount
    progress: str
    people: str
    status_css: str
    status_label: str
    personal: bool
    next_due: CardStep | None
    next_due_by: str
    tick: CardStep | None
    tick_overdue: bool
    undo: CardStep | None
    overdue: list[CardStep]


def _labels(*enums: type[LabelledEnum]) -> dict[str, str]:
    """Each member's label, translated once for the page. Markup: a lazy label was written out unescaped
    (its __html__), and so is its translation here."""
    return {member.value: Markup(str(member.label)) for enum in enums for member in enum}


@cache
def _shown_steps_statement():
    """Built once: building the statement anew cost a third of what running it does."""
    recent_ticks = and_(VisitStep.state == StepState.DONE.value, VisitStep.done_by_id == bindparam("user_id"),
                        VisitStep.done_at >= bindparam("since", type_=VisitStep.done_at.type))  # can_undo's candidates
    return (select(*CARD_STEP_COLUMNS)
            .where(VisitStep.visit_id.in_(bindparam("ids", expanding=True)),
                   or_(VisitStep.state == StepState.OPEN.value, recent_ticks))
            .order_by(VisitStep.visit_id, VisitStep.position))


def _shown_steps(visit_ids, user, now: datetime) -> dict[int, list[CardStep]]:
    """The steps a card can name, by position: the open ones and the user's own ticks it may still
    undo (a day's 50 cards hold 400 steps; before the visitors come most of them are open)."""
    shown = {visit_id: [] for visit_id in visit_ids}
    if visit_ids:
        for row in db.session.execute(_shown_steps_statement(),
                                      {"ids": visit_ids, "user_id": user.id, "since": now - UNDO_WINDOW}):
            step = CardStep._make(row)
            shown[step.visit_id].append(step)
    return shown


def _progress_text():
    """"3 of 10 steps" in the page's language, each pair of numbers written once for the page (the same
    Markup the template's `_()` made: its numbers formatted into the unescaped translation)."""
    pattern, written = Markup(gettext("%(done)d of %(total)d steps")), {}

    def progress(count: StepCount) -> str:
        text = written.get(count)
        if text is None:
            text = written[count] = pattern % {"done": count.done, "total": count.total}
        return text
    return progress


def board_facts(visits, user, now: datetime) -> dict[int, CardFacts]:
    """Every card's facts by visit id: its progress (counted by the database), its visitors, status, whether it
    shows the visitors' personal data, the next step due (anyone's), reception's next tick, the user's tick it
    may still undo and reception's overdue steps (the board alarms only what reception must do now; the
    owner's and host's steps are theirs). One pass over each card's steps, in position order: the first due
    is the earliest (due time, position), the undo the latest of the user's ticks it may still take back."""
    ids = [visit.id for visit in visits]
    counts, steps = step_counts(ids), _shown_steps(ids, user, now)
    statuses, responsible = _labels(VisitStatus, Shown), _labels(Responsible)
    progress, visitors = _progress_text(), visitor_count()
    facts = {}
    for visit in visits:
        is_open = visit.status in OPEN_VISIT
        due = mine = undo = None
        overdue = []
        for step in steps[visit.id]:
            if step.state != OPEN:
                if is_open and can_undo(step, user, now) and (undo is None or step.done_at > undo.done_at):
                    undo = step
                continue
            if due is None or (step.due_at, step.position) < (due.due_at, due.position):
                due = step
            if step.responsible == RECEPTION:
                if mine is None or (step.due_at, step.position) < (mine.due_at, mine.position):
                    mine = step
                if open_step_overdue(step.due_at, step.late_planned, visit.departed_at, now):
                    overdue.append(step)
        status, count, names = visit.shown_status, counts[visit.id], visit.names
        facts[visit.id] = CardFacts(
            count=count, progress=progress(count), people=", ".join(names) if names else visitors(visit.visitor_count),
            status_css=status.css, status_label=statuses.get(status.value, status.label),
            personal=services.sees_personal_data(user, visit),
            next_due=due if is_open and due is not None and due is not mine else None,
            next_due_by=responsible.get(due.responsible, due.responsible) if due else "",
            tick=mine if is_open else None,
            tick_overdue=mine is not None and open_step_overdue(mine.due_at, mine.late_planned, visit.departed_at, now),
            undo=undo, overdue=overdue)
    return facts
