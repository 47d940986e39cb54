"""Streaks, the day grid and minutes per week, against a fixed today."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from glutecoach.store.history import ExerciseRow, SessionRow
from glutecoach.store.stats import (
    completed_days,
    grid_start,
    level_timeline,
    minutes_by_day,
    streaks,
    weekly_minutes,
)

TODAY = date(2025, 6, 18)  # a Wednesday


def days(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=o) for o in offsets}


def test_current_streak_counts_back_from_today() -> None:
    assert streaks(days(0, 1, 2, 5, 6), TODAY) == (3, 3)


def test_today_not_done_yet_keeps_yesterdays_streak() -> None:
    assert streaks(days(1, 2, 3, 4), TODAY) == (4, 4)


def test_a_missed_day_ends_the_current_streak() -> None:
    assert streaks(days(2, 3, 10, 11, 12, 13, 14), TODAY) == (0, 5)


def test_no_days_no_streak() -> None:
    assert streaks(set(), TODAY) == (0, 0)


def session(
    sid: int, started: str, minutes: float, status: str = "completed", level: int = 1
) -> SessionRow:
    return SessionRow(
        sid,
        "r",
        "R",
        started,
        None,
        status,
        minutes * 60,
        None,
        (ExerciseRow("glute-bridge", level, 2, 2),),
    )


def test_partial_sessions_do_not_count_for_streaks_but_count_minutes() -> None:
    rows = [
        session(1, "2025-06-18T07:00:00+00:00", 7, "partial"),
        session(2, "2025-06-17T07:00:00+00:00", 8),
    ]
    assert completed_days(rows, UTC) == {date(2025, 6, 17)}
    assert minutes_by_day(rows, UTC) == {date(2025, 6, 18): 7, date(2025, 6, 17): 8}


def test_weeks_run_monday_to_sunday_oldest_first() -> None:
    assert grid_start(TODAY, 12) == date(2025, 3, 31)
    by_day = {
        date(2025, 6, 16): 10.0,
        date(2025, 6, 15): 5.0,
        date(2025, 3, 31): 3.0,
        date(2025, 3, 30): 99.0,
    }
    weeks = weekly_minutes(by_day, TODAY, 12)
    assert len(weeks) == 12
    assert weeks[-1] == 10 and weeks[-2] == 5 and weeks[0] == 3


def test_level_timeline_keeps_only_changes() -> None:
    rows = [
        session(3, "2025-06-03T07:00:00+00:00", 5, level=2),
        session(1, "2025-06-01T07:00:00+00:00", 5, level=1),
        session(2, "2025-06-02T07:00:00+00:00", 5, level=2),
    ]
    [points] = level_timeline(rows, UTC).values()
    assert [(p.day.day, p.level) for p in points] == [(1, 1), (2, 2)]
