"""What a feature gives the benchmark: a data generator and the pages to measure.

Each feature adds bench/<feature>.py with
    PAGES = [Page("repairs: board", "office", "/repairs/board"), ...]
    (a Page's `budget`: its first view may cost this many times the empty page in the layout;
    `touch`: what the write before a first view changes, when it is not everything the page shows)
    def generate(ctx: GenContext) -> None: ...   # bulk-insert the feature's volume
The runner (python -m bench) seeds the demo users first, then calls every generate(), then
serves the database with gunicorn and measures every page signed in as Page.login.
"""
import random
from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Page:
    name: str
    login: str  # a demo login: admin, office, reception, maint, employee, liaison-prod …
    path: str
    budget: float = 4.0  # first-view CPU goal, as a multiple of the empty page in the layout
    # The topics a first view's write raises (space-separated). Default: every topic the page names. A home
    # page names the card it is measured for: a new repair changes the repairs card, not the others.
    touch: str = ""


@dataclass
class GenContext:
    session: object          # SQLAlchemy session inside an app context
    users: dict              # demo users by login
    departments: dict        # departments by code
    rng: random.Random
    scale: float = 1.0       # 1.0 = the volumes named in the issues; the CI smoke run uses less
    extra: dict = field(default_factory=dict)

    def count(self, full: int) -> int:
        """How many of what piles up with use (requests, visits, suggestions, past meetings …) at this scale.

        The company itself (its people, places, equipment, rooms) and the content of the one meeting measured
        (its 200 items and 500 follow-ups) keep their full size at every scale: `--compare-scale 0.01` asks
        whether a page slows down as the history grows, so the page it compares must show the same things."""
        return max(1, int(full * self.scale))

    def ago(self, days: int = 365) -> timedelta:
        """How long ago something in the history happened. The history is `scale` as long as the full one, so
        a day holds as much at every scale: today's visits, the week's suggestions and a page of a list are the
        same, and only what lies further back shrinks."""
        return timedelta(minutes=self.rng.randrange(max(1, int(days * 24 * 60 * self.scale))))
