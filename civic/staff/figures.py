"""Participation figures as plain data: ISO weeks in the ward's calendar, and bar geometry for the
small inline chart. No Flask, no database: the SQL lives in ``participation.py``."""

from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("proposals", "supports", "comments", "ballots")


@dataclass(frozen=True)
class Row:
    """People who acted and what they did, in one area, one week or the whole process."""

    people: int
    counts: dict[str, int]

    @property
    def acts(self) -> int:
        return sum(self.counts.values())


def empty_row() -> Row:
    return Row(0, dict.fromkeys(KINDS, 0))


def monday(day: date) -> date:
    """The first day of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def every_week(found: dict[date, Row]) -> list[tuple[date, Row]]:
    """The weeks from the first to the last with activity, quiet weeks included as zeros, so the
    chart's time axis has no gaps."""
    if not found:
        return []
    first, last = min(found), max(found)
    weeks, week = [], first
    while week <= last:
        weeks.append((week, found.get(week, empty_row())))
        week += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


def bars(values: list[int], width: float, height: float, gap: float = 2.0) -> list[Bar]:
    """Vertical bars for ``values`` filling a ``width`` × ``height`` box, the tallest full height;
    a value above zero always shows at least one unit, so it is not mistaken for none."""
    if not values:
        return []
    top = max(values) or 1
    step = width / len(values)
    shown = []
    for index, value in enumerate(values):
        tall = 0.0 if value == 0 else max(1.0, height * value / top)
        shown.append(Bar(x=round(index * step + gap / 2, 2), y=round(height - tall, 2),
                         width=round(max(step - gap, 1.0), 2), height=round(tall, 2),
                         value=value))
    return shown
