"""The survey's trend as an inline SVG drawn on the server: no chart library, no script, readable as text."""
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 140, 24


@dataclass
class Point:
    x: float
    y: float
    value: float
    label: str


def trend_points(trend) -> list[Point]:
    """(round, index 0–100) pairs as points of a WIDTH × HEIGHT chart, oldest on the left."""
    if not trend:
        return []
    step = (WIDTH - 2 * PAD) / max(len(trend) - 1, 1)
    return [Point(round(PAD + n * step, 1), round(HEIGHT - PAD - index / 100 * (HEIGHT - 2 * PAD), 1),
                  round(index), round_.title) for n, (round_, index) in enumerate(trend)]
