"""Summaries of the history for the screens: streaks, a day grid, minutes per week, levels.

Pure functions over ``SessionRow`` values so the screens only draw, and so tests can pin
the arithmetic with a fixed "today". Days are the user's local days (a workout at 23:30
counts for that evening, not for tomorrow in UTC).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from glutecoach.store.history import SessionRow


def local_day(started_at: str, tz: tzinfo | None = None) -> date:
    return datetime.fromisoformat(started_at).astimezone(tz).date()


def completed_days(sessions: Iterable[SessionRow], tz: tzinfo | None = None) -> set[date]:
    return {local_day(s.started_at, tz) for s in sessions if s.status == "completed"}


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


def minutes_by_day(sessions: Iterable[SessionRow], tz: tzinfo | None = None) -> dict[date, float]:
    out: dict[date, float] = {}
    for s in sessions:
        day = local_day(s.started_at, tz)
        out[day] = out.get(day, 0.0) + s.active_seconds / 60
    return out


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
    sessions: Sequence[SessionRow], tz: tzinfo | None = None
) -> dict[str, list[LevelPoint]]:
    """Per exercise, the day it was first done at each new level (oldest first)."""
    out: dict[str, list[LevelPoint]] = {}
    for s in sorted(sessions, key=lambda r: (r.started_at, r.id)):
        for e in s.exercises:
            points = out.setdefault(e.exercise, [])
            if not points or points[-1].level != e.level:
                points.append(LevelPoint(local_day(s.started_at, tz), e.level))
    return out
