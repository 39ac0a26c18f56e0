"""Rank history drawn: the geometry of a contender's chart and of a row's sparkline.

Pure functions from a history (comments.history) to coordinates; the
templates turn them into SVG on the server (comments/_history_chart.html,
cities/_sparkline.svg), so a chart needs no script and carries no inline
style for the Content-Security-Policy to refuse: colours and strokes are
SVG presentation attributes. No charting library is used: the ones that
draw SVG in Python (matplotlib, pygal) embed <style> elements or style
attributes, which the policy blocks, and two polylines with their ticks
are a few lines of arithmetic.

Rank runs down the axis (1 at the top) and score up, each scaled to the
range its own series spans.
"""

from dataclasses import dataclass
from datetime import date

from comments.history import DayStanding, HistoryEvent

WIDTH = 640
LEFT, RIGHT = 56, 24
RANK_TOP, RANK_HEIGHT = 30, 120
SCORE_TOP, SCORE_HEIGHT = 190, 80
HEIGHT = SCORE_TOP + SCORE_HEIGHT + 28  # Room for the day labels.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 64, 20, 2


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def long_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Marker:
    """An event's line across the chart, and what it says."""

    x: float
    kind: str
    text: str


@dataclass(frozen=True)
class HistoryChart:
    width: int
    height: int
    rank_points: str
    score_points: str
    rank_ticks: tuple[Tick, ...]
    score_ticks: tuple[Tick, ...]
    day_ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    summary: str
    days: tuple[DayStanding, ...]
    geometry: dict  # The panels' edges, for the template's axes and frames.


def _scale(value: float, low: float, high: float, start: float, length: float) -> float:
    """Where `value` of [low, high] falls on [start, start + length]; the middle if flat."""
    if high == low:
        return start + length / 2
    return start + (value - low) / (high - low) * length


def _points(xs: list[float], ys: list[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def summary(days: list[DayStanding]) -> str:
    """One sentence: "From 7th to 3rd since 1 October 2026, score 12 to 40"."""
    first, last = days[0], days[-1]
    since = long_day(first.day)
    if len(days) == 1:
        return f"{ordinal(last.rank)} today, with a score of {last.score}; no history yet."
    if first.rank == last.rank:
        moved = f"Held {ordinal(last.rank)} since {since}"
    else:
        moved = f"From {ordinal(first.rank)} to {ordinal(last.rank)} since {since}"
    best, worst = min(d.rank for d in days), max(d.rank for d in days)
    spread = f"best {ordinal(best)}, lowest {ordinal(worst)}"
    return f"{moved} ({spread}); score from {first.score} to {last.score}."


def _day_ticks(days: list[DayStanding], x_of) -> list[Tick]:
    """The first day, each first of a month not crowding it, and today."""
    ticks = [Tick(x_of(0), f"{days[0].day:%-d %b}")]
    for i, d in enumerate(days[1:-1], start=1):
        if d.day.day == 1 and x_of(i) - ticks[-1].at > 60:
            ticks.append(Tick(x_of(i), f"{d.day:%-d %b}"))
    if len(days) > 1:
        if x_of(len(days) - 1) - ticks[-1].at < 60:
            ticks.pop()
        ticks.append(Tick(x_of(len(days) - 1), "today"))
    return ticks


def history_chart(days: list[DayStanding], events: list[HistoryEvent]) -> HistoryChart:
    """The chart of a contender's days (oldest first, the last one now) with its events."""
    plot = WIDTH - LEFT - RIGHT
    count = len(days)

    def x_of(index: int) -> float:
        return LEFT + (index / (count - 1) * plot if count > 1 else plot / 2)

    xs = [x_of(i) for i in range(count)]
    worst = max(max(d.rank for d in days), 2)
    low, high = min(d.score for d in days), max(d.score for d in days)
    rank_ys = [_scale(d.rank, 1, worst, RANK_TOP, RANK_HEIGHT) for d in days]
    score_ys = [_scale(d.score, high, low, SCORE_TOP, SCORE_HEIGHT) for d in days]
    rank_values = sorted({1, (1 + worst) // 2, worst})
    score_values = sorted({low, high})
    index_of = {d.day: i for i, d in enumerate(days)}
    markers = [
        Marker(xs[index_of[e.day]], e.kind, f"{long_day(e.day)}: {e.label}")
        for e in events
        if e.day in index_of
    ]
    return HistoryChart(
        width=WIDTH,
        height=HEIGHT,
        rank_points=_points(xs, rank_ys),
        score_points=_points(xs, score_ys),
        rank_ticks=tuple(
            Tick(_scale(r, 1, worst, RANK_TOP, RANK_HEIGHT), ordinal(r)) for r in rank_values
        ),
        score_ticks=tuple(
            Tick(_scale(s, high, low, SCORE_TOP, SCORE_HEIGHT), str(s)) for s in score_values
        ),
        day_ticks=tuple(_day_ticks(days, x_of)),
        markers=tuple(markers),
        summary=summary(days),
        days=tuple(days),
        geometry={
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "rank_top": RANK_TOP,
            "rank_bottom": RANK_TOP + RANK_HEIGHT,
            "score_top": SCORE_TOP,
            "score_bottom": SCORE_TOP + SCORE_HEIGHT,
            "labels": SCORE_TOP + SCORE_HEIGHT + 18,
        },
    )


@dataclass(frozen=True)
class Sparkline:
    points: str
    last_x: float
    last_y: float
    text: str


def sparkline(ranks: tuple[int, ...]) -> Sparkline | None:
    """A row's last days of rank as a small line, 1 up; None with fewer than two days."""
    if len(ranks) < 2:
        return None
    best, worst = min(ranks), max(ranks)
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    xs = [
        SPARK_PAD + i / (len(ranks) - 1) * (SPARK_WIDTH - 2 * SPARK_PAD) for i in range(len(ranks))
    ]
    ys = [_scale(r, best, worst, SPARK_PAD, inner) for r in ranks]
    if ranks[0] == ranks[-1]:
        text = f"held {ordinal(ranks[-1])} over the last {len(ranks)} days"
    else:
        text = f"from {ordinal(ranks[0])} to {ordinal(ranks[-1])} over the last {len(ranks)} days"
    return Sparkline(_points(xs, ys), xs[-1], ys[-1], text)
