"""Summaries of the history for the screens: streaks, a day grid, minutes per week, levels.

Pure functions over per-day totals and level change points (both grouped by SQLite in
``History``) so the screens only draw, and tests can pin the arithmetic with a fixed
"today". Days are the user's local days (a workout at 23:30 counts for that evening, not
for tomorrow in UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo


def local_day(started_at: str, tz: tzinfo | None = None) -> date:
    return datetime.fromisoformat(started_at).astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class DayTotal:
    day: date
    minutes: float
    sessions: int
    completed: int


def day_totals(rows: Iterable[tuple[str, float, int, int]]) -> list[DayTotal]:
    """From ``History.daily_totals()`` rows."""
    return [DayTotal(date.fromisoformat(d), m, n, c) for d, m, n, c in rows]


def completed_days(days: Iterable[DayTotal]) -> set[date]:
    return {d.day for d in days if d.completed}


def minutes_by_day(days: Iterable[DayTotal]) -> dict[date, float]:
    return {d.day: d.minutes for d in days}


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days. Today not done yet does not break the
    current run: it still counts from yesterday until the day is over."""
    longest = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        longest = max(longest, length)
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


def grid_start(today: date, weeks: int) -> date:
    """The Monday that begins the first column of a ``weeks``-wide grid ending this week."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def weekly_minutes(by_day: dict[date, float], today: date, weeks: int = 12) -> list[float]:
    """Minutes per Monday-to-Sunday week, oldest first, the current week last."""
    start = grid_start(today, weeks)
    out = [0.0] * weeks
    for day, minutes in by_day.items():
        index = (day - start).days // 7
        if 0 <= index < weeks and day <= today:
            out[index] += minutes
    return out


@dataclass(frozen=True, slots=True)
class LevelPoint:
    day: date
    level: int


def level_timeline(
    points: Iterable[tuple[str, str, int]], tz: tzinfo | None = None
) -> dict[str, list[LevelPoint]]:
    """Per exercise, the local day it was first done at each new level (oldest first), from
    ``History.level_points()``; same-day repeats keep the last level of that day."""
    out: dict[str, list[LevelPoint]] = {}
    for exercise, started_at, level in points:
        line = out.setdefault(exercise, [])
        day = local_day(started_at, tz)
        if line and line[-1].day == day:
            line[-1] = LevelPoint(day, level)
            if len(line) > 1 and line[-2].level == level:
                line.pop()
        elif not line or line[-1].level != level:
            line.append(LevelPoint(day, level))
    return out
