"""Streaks, the day grid and minutes per week, against a fixed today."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from glutecoach.store.stats import (
    completed_days,
    day_totals,
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


def test_partial_days_do_not_count_for_streaks_but_count_minutes() -> None:
    days_ = day_totals([("2025-06-17", 8.0, 1, 1), ("2025-06-18", 7.0, 1, 0)])
    assert completed_days(days_) == {date(2025, 6, 17)}
    assert minutes_by_day(days_) == {date(2025, 6, 18): 7, date(2025, 6, 17): 8}


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
    points = [
        ("glute-bridge", "2025-06-01T07:00:00+00:00", 1),
        ("glute-bridge", "2025-06-02T07:00:00+00:00", 2),
        ("glute-bridge", "2025-06-04T07:00:00+00:00", 1),
        ("glute-bridge", "2025-06-04T09:00:00+00:00", 2),
    ]
    [line] = level_timeline(points, UTC).values()
    assert [(p.day.day, p.level) for p in line] == [(1, 1), (2, 2)]
