"""The summary tables the History screen reads (``session_days``, ``level_points``) always
agree with the sessions they summarise: after every kind of write, and after migrating a
file that had sessions before the tables existed."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from store_plans import make_plan, run_all

from glutecoach.store import Store, open_store
from glutecoach.store.db import MIGRATIONS
from glutecoach.store.stats import completed_days, day_totals, streaks


def from_sessions(conn: sqlite3.Connection) -> list[tuple[str, int, int, float]]:
    """What ``session_days`` must hold, computed the slow way."""
    return [
        (d, n, c, round(a, 6))
        for d, n, c, a in conn.execute(
            "SELECT date(started_at, 'localtime') AS day, COUNT(*), SUM(status='completed'),"
            " SUM(active_seconds) FROM sessions GROUP BY day ORDER BY day"
        )
    ]


def summarised(conn: sqlite3.Connection) -> list[tuple[str, int, int, float]]:
    return [
        (d, n, c, round(a, 6))
        for d, n, c, a in conn.execute(
            "SELECT day, sessions, completed, active_seconds FROM session_days ORDER BY day"
        )
    ]


def level_changes_slow(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    last: dict[str, int] = {}
    out = []
    for exercise, started, level in conn.execute(
        "SELECT e.exercise, s.started_at, e.level FROM session_exercises e"
        " JOIN sessions s ON s.id = e.session_id ORDER BY e.session_id, e.rowid"
    ):
        if last.get(exercise) != level:
            last[exercise] = level
            out.append((exercise, started, level))
    return out


def record(store: Store, level: int, status: str, active: float) -> int | None:
    plan = make_plan({"glute-bridge": level, "clamshell": 1 + level % 2})
    rec = store.history.begin(plan, "Test routine")
    run_all(rec, plan, upto=level)
    rec.finish(status, active)
    store.history.flush()
    return rec.session_id


def test_days_and_level_points_follow_every_kind_of_write(store: Store, home: Path) -> None:
    rng = random.Random(7)
    ids = []
    for i in range(40):
        ids.append(record(store, 1 + i // 10, rng.choice(("completed", "partial")), i * 7.5))
    assert store.history.db is not None
    with store.history.db.write() as conn:
        for sid in ids[::3]:  # sessions moved to other days, some to the same day
            when = date(2025, 1, 1) + timedelta(days=rng.randint(0, 20))
            conn.execute(
                "UPDATE sessions SET started_at=? WHERE id=?", (f"{when}T07:30:00+00:00", sid)
            )
        conn.execute("UPDATE sessions SET status='completed' WHERE id=?", (ids[1],))
        conn.execute("DELETE FROM sessions WHERE id IN (?, ?)", (ids[4], ids[5]))
    conn = sqlite3.connect(home / "history.db")
    assert summarised(conn) == from_sessions(conn)
    assert store.history.level_points() == level_changes_slow(conn)
    conn.close()


def test_summary_streaks_and_totals_match_the_day_by_day_rule(store: Store) -> None:
    today = date.today()
    done_days = [0, 1, 2, 5, 6, 7, 8, 20]  # days ago; a 3-day current run, a 4-day one
    for ago in done_days:
        sid = record(store, 1, "completed", 60)
        assert store.history.db is not None
        with store.history.db.write() as conn:
            when = today - timedelta(days=ago)
            conn.execute(
                "UPDATE sessions SET started_at=? WHERE id=?", (f"{when}T12:00:00+00:00", sid)
            )
    record(store, 1, "partial", 30)  # a partial session today: counts, but not for streaks
    summary = store.history.summary(today)
    days = day_totals(store.history.daily_totals())
    assert (summary.current_streak, summary.longest_streak) == streaks(completed_days(days), today)
    assert (summary.sessions, summary.completed) == (9, 8)
    tomorrow = store.history.summary(today + timedelta(days=1))
    assert tomorrow.current_streak == summary.current_streak  # today is not over yet
    assert store.history.summary(today + timedelta(days=2)).current_streak == 0


def test_migrating_a_v2_file_fills_the_summaries_from_its_sessions(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "history.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 2")
    for i in range(30):
        conn.execute(
            "INSERT INTO sessions (routine, routine_name, started_at, ended_at, status,"
            " active_seconds) VALUES ('r', 'R', ?, ?, ?, ?)",  # ended: no crash to recover
            (
                f"2025-02-{1 + i % 9:02d}T08:00:00+00:00",
                f"2025-02-{1 + i % 9:02d}T08:10:00+00:00",
                ("completed", "partial")[i % 3 == 0],
                100.0 + i,
            ),
        )
        conn.execute(
            "INSERT INTO session_exercises VALUES (?, 0, 'glute-bridge', ?, 2, 2, 20, 60)",
            (i + 1, 1 + i // 12),
        )
    conn.commit()
    expected_days = from_sessions(conn)
    expected_points = level_changes_slow(conn)
    conn.close()

    store = open_store()
    assert store.history.level_points() == expected_points
    assert [lvl for _e, _t, lvl in expected_points] == [1, 2, 3]
    store.close()
    conn = sqlite3.connect(path)
    assert summarised(conn) == expected_days
    done = {date.fromisoformat(d) for d, _n, c, _a in expected_days if c}
    assert conn.execute("SELECT first, last FROM streak_runs ORDER BY first").fetchall() == (
        runs_slow(done)
    )
    assert conn.execute("SELECT sessions, completed FROM history_totals").fetchall() == [
        (30, sum(c for _d, _n, c, _a in expected_days))
    ]
    conn.close()


def runs_slow(days: set[date]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for day in sorted(days):
        if out and date.fromisoformat(out[-1][1]) == day - timedelta(days=1):
            out[-1] = (out[-1][0], day.isoformat())
        else:
            out.append((day.isoformat(), day.isoformat()))
    return out


def test_streak_runs_and_totals_follow_random_writes(store: Store, home: Path) -> None:
    rng = random.Random(11)
    assert store.history.db is not None
    start = date(2025, 3, 1)
    with store.history.db.write() as conn:
        for step in range(600):
            op = rng.random()
            ids = [i for (i,) in conn.execute("SELECT id FROM sessions")]
            when = start + timedelta(days=rng.randint(0, 40))
            if op < 0.5 or not ids:
                conn.execute(
                    "INSERT INTO sessions (routine, routine_name, started_at, status,"
                    " active_seconds) VALUES ('r', 'R', ?, ?, ?)",
                    (f"{when}T12:00:00+00:00", rng.choice(("completed", "partial")), step),
                )
            elif op < 0.7:
                conn.execute(
                    "UPDATE sessions SET status = ? WHERE id = ?",
                    (rng.choice(("completed", "partial")), rng.choice(ids)),
                )
            elif op < 0.85:
                conn.execute(
                    "UPDATE sessions SET started_at = ? WHERE id = ?",
                    (f"{when}T12:00:00+00:00", rng.choice(ids)),
                )
            else:
                conn.execute("DELETE FROM sessions WHERE id = ?", (rng.choice(ids),))
    conn = sqlite3.connect(home / "history.db")
    assert summarised(conn) == from_sessions(conn)
    done = {date.fromisoformat(d) for d, _n, c, _a in from_sessions(conn) if c}
    assert conn.execute("SELECT first, last FROM streak_runs ORDER BY first").fetchall() == (
        runs_slow(done)
    )
    [(n, c)] = conn.execute("SELECT COUNT(*), SUM(status = 'completed') FROM sessions")
    conn.close()
    for today in (start + timedelta(days=d) for d in range(-1, 43)):
        summary = store.history.summary(today)
        assert (summary.current_streak, summary.longest_streak) == streaks(done, today)
        assert (summary.sessions, summary.completed) == (n, c or 0)
