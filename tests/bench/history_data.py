"""Generate a realistic ``history.db``: years of daily sessions with levels that climb.

    python tests/bench/history_data.py PATH [--years 10] [--seed 1]

Rows go in through the real schema (``open_database``) so the benchmark measures the
indexes the app really has. About 1 day in 12 is skipped and as many have two sessions,
about 1 session in 10 is ``partial``, efforts are mostly "about right", and each exercise
moves up a level every few months until the top of its ladder.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from glutecoach.store.db import open_database

EXERCISES = (
    ("glute-bridge", 4, 2),
    ("monster-walk", 2, 3),
    ("clamshell", 3, 2),
    ("runners-stretch", 1, 1),
    ("piriformis-stretch", 1, 1),
)
ROUTINES = (("desk-reset", "Desk reset"), ("glute-wake-up", "Glute wake-up"))


def generate(path: Path, years: int = 10, seed: int = 1) -> tuple[int, int]:
    """Fill ``path`` (must not exist) and return (sessions, exercise rows) written."""
    if path.exists():
        raise SystemExit(f"{path} exists; give a new path")
    result = open_database(path)
    if result.db is None:
        raise SystemExit(f"cannot create {path}: {result.why_disabled}")
    db = result.db
    rng = random.Random(seed)
    today = datetime.now(UTC).replace(hour=7, minute=30, second=0, microsecond=0)
    first = today - timedelta(days=365 * years)
    levels = {ex: 1 for ex, _top, _sets in EXERCISES}
    sessions: list[tuple[object, ...]] = []
    rows: list[tuple[object, ...]] = []
    day = first
    slots: list[datetime] = []
    while day <= today:
        roll = rng.random()
        if roll >= 1 / 12:  # a rest day about once in 12; a second session as often
            slots.append(day + timedelta(minutes=rng.randint(0, 10 * 60)))
        if roll > 11 / 12:
            slots.append(day + timedelta(hours=11, minutes=rng.randint(0, 60)))
        day += timedelta(days=1)
    for session_id, started in enumerate(slots, start=1):
        active = rng.uniform(300, 600)
        partial = rng.random() < 0.1
        ended = started + timedelta(seconds=active + rng.uniform(0, 60))
        effort = rng.choice((None, 1, 2, 2, 2, 3))
        routine = rng.choice(ROUTINES)
        sessions.append(
            (
                session_id,
                routine[0],
                routine[1],
                started.isoformat(),
                ended.isoformat(),
                "partial" if partial else "completed",
                round(active, 1),
                effort,
                None,
                ended.isoformat(),
            )
        )
        for position, (exercise, top, sets) in enumerate(EXERCISES):
            if rng.random() < 0.004 and levels[exercise] < top:
                levels[exercise] += 1
            done = rng.randint(0, sets) if partial else sets
            rows.append(
                (session_id, position, exercise, levels[exercise], sets, done, done * 10, 30.0)
            )
    with db.write() as conn:
        conn.executemany("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?)", sessions)
        conn.executemany("INSERT INTO session_exercises VALUES (?,?,?,?,?,?,?,?)", rows)
        for exercise, level in levels.items():
            conn.execute(
                "INSERT INTO levels VALUES (?, ?, ?)",
                (exercise, level, (today - timedelta(days=40)).isoformat()),
            )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return len(sessions), len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n_sessions, n_rows = generate(args.path, args.years, args.seed)
    print(f"{args.path}: {n_sessions} sessions, {n_rows} exercise rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
