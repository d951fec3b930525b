"""What a feature gives the benchmark: a data generator and the pages to measure.

Each feature adds bench/<feature>.py with
    PAGES = [Page("repairs: board", "office", "/repairs/board"), ...]
    (a Page's `budget`: its first view may cost this many times the empty page in the layout)
    def generate(ctx: GenContext) -> None: ...   # bulk-insert the feature's volume
The runner (python -m bench) seeds the demo users first, then calls every generate(), then
serves the database with gunicorn and measures every page signed in as Page.login.
"""
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str
    login: str  # a demo login: admin, office, reception, maint, employee, liaison-prod …
    path: str
    budget: float = 4.0  # first-view CPU goal, as a multiple of the empty page in the layout


@dataclass
class GenContext:
    session: object          # SQLAlchemy session inside an app context
    users: dict              # demo users by login
    departments: dict        # departments by code
    rng: random.Random
    scale: float = 1.0       # 1.0 = the volumes named in the issues; the CI smoke run uses less
    extra: dict = field(default_factory=dict)

    def count(self, full: int) -> int:
        return max(1, int(full * self.scale))
