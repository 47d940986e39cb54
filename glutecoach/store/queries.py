"""Reading the history back: sessions page by page, and the figures the History screen shows.

Every read goes through ``Database.query`` (which first lets this process's own queued
writes land). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from glutecoach.store.db import Database

STATUSES = ("completed", "partial")
EFFORTS = {1: "easy", 2: "about right", 3: "hard"}
EXPORT_CHUNK = 1000  # sessions per query when reading everything (export, --json)


@dataclass(frozen=True, slots=True)
class ExerciseRow:
    exercise: str
    level: int
    sets_planned: int
    sets_done: int
    reps_done: int = 0
    seconds_done: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    routine: str
    routine_name: str
    started_at: str
    ended_at: str | None
    status: str
    active_seconds: float
    effort: int | None
    exercises: tuple[ExerciseRow, ...] = ()

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)

    def to_json(self) -> dict[str, object]:
        return {
            "routine": self.routine,
            "routine_name": self.routine_name,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": self.status,
            "active_seconds": round(self.active_seconds, 1),
            "effort": self.effort,
            "exercises": [
                {
                    "exercise": e.exercise,
                    "level": e.level,
                    "sets_planned": e.sets_planned,
                    "sets_done": e.sets_done,
                    "reps_done": e.reps_done,
                    "seconds_done": round(e.seconds_done, 1),
                }
                for e in self.exercises
            ],
        }


_SESSION_COLUMNS = (
    "SELECT id, routine, routine_name, started_at, ended_at, status, active_seconds, effort"
    " FROM sessions"
)


def sessions(
    db: Database,
    since: str | None = None,
    limit: int | None = None,
    *,
    offset: int = 0,
    exercises: bool = True,
) -> list[SessionRow]:
    """Sessions newest first, each with its exercises, in two indexed queries.

    ``exercises=False`` skips the per-exercise rows: enough for streaks and minutes,
    and five times less to read for a long history.
    """
    where = "WHERE started_at >= ?" if since else ""
    params: tuple[object, ...] = (since,) if since else ()
    lim = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
    rows = db.query(f"{_SESSION_COLUMNS} {where} ORDER BY started_at DESC, id DESC {lim}", params)
    return _with_exercises(db, rows, exercises)


def iter_sessions(
    db: Database, since: str | None = None, chunk: int = EXPORT_CHUNK
) -> Iterator[SessionRow]:
    """Every session newest first, read ``chunk`` at a time (for exports): the first rows
    are out before the last are read, and memory stays at one chunk."""
    where = "started_at >= ? AND " if since else ""
    after: tuple[str, int] | None = None
    while True:
        params: tuple[object, ...] = (since,) if since else ()
        if after is None:
            sql = f"{_SESSION_COLUMNS} {'WHERE ' + where[:-5] if since else ''}"
        else:
            sql = f"{_SESSION_COLUMNS} WHERE {where}(started_at, id) < (?, ?)"
            params = (*params, *after)
        rows = db.query(f"{sql} ORDER BY started_at DESC, id DESC LIMIT {int(chunk)}", params)
        if not rows:
            return
        yield from _with_exercises(db, rows, True)
        if len(rows) < chunk:
            return
        after = (rows[-1][3], rows[-1][0])


def _with_exercises(db: Database, rows: list[tuple[Any, ...]], exercises: bool) -> list[SessionRow]:
    if not rows:
        return []
    by_session: dict[int, list[ExerciseRow]] = {}
    if exercises:
        ids = [int(r[0]) for r in rows]
        by_session = _exercises(db, min(ids), max(ids))
    return [
        SessionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(by_session.get(r[0], ())))
        for r in rows
    ]


def _exercises(db: Database, first: int, last: int) -> dict[int, list[ExerciseRow]]:
    by_session: dict[int, list[ExerciseRow]] = {}
    # Column types are fixed by the schema (NOT NULL, typed), so rows go in unconverted.
    for sid, *values in db.query(
        "SELECT session_id, exercise, level, sets_planned, sets_done, reps_done, seconds_done"
        " FROM session_exercises WHERE session_id BETWEEN ? AND ? ORDER BY session_id, position",
        (first, last),
    ):
        by_session.setdefault(sid, []).append(ExerciseRow(*values))
    return by_session


def daily_totals(db: Database) -> list[tuple[str, float, int, int]]:
    """(local day YYYY-MM-DD, active minutes, sessions, completed sessions) per day with
    any session, oldest first. Grouped in SQLite: streaks and the calendar need days,
    not rows, and this is ten times faster than reading every session."""
    rows = db.query(
        "SELECT date(started_at, 'localtime') AS day, SUM(active_seconds) / 60.0,"
        " COUNT(*), SUM(status = 'completed') FROM sessions GROUP BY day ORDER BY day"
    )
    return [(str(d), float(m), int(n), int(c)) for d, m, n, c in rows]


def level_points(db: Database) -> list[tuple[str, str, int]]:
    """(exercise, started_at, level) each time an exercise was first done at a new
    level, oldest first: the level-over-time line without reading every row in Python."""
    # Exercise rows are inserted with their session, so table order is session order:
    # one plain scan finds the changes faster than a window function sorts them.
    last: dict[str, int] = {}
    changes: list[tuple[int, str, int]] = []
    for sid, exercise, level in db.query(
        "SELECT session_id, exercise, level FROM session_exercises"
    ):
        if last.get(exercise) != level:
            last[exercise] = level
            changes.append((sid, exercise, level))
    ids = sorted({sid for sid, _e, _l in changes})
    started: dict[int, str] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ",".join("?" * len(part))
        started.update(
            db.query(f"SELECT id, started_at FROM sessions WHERE id IN ({marks})", tuple(part))
        )
    return [(str(e), str(started[sid]), int(lvl)) for sid, e, lvl in changes if sid in started]
