"""Reading the history back: sessions page by page, and the figures the History screen shows.

Every read goes through ``Database.query`` (which first lets this process's own queued
writes land). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from glutecoach.store.db import Database

STATUSES = ("completed", "partial")
EFFORTS = {1: "easy", 2: "about right", 3: "hard"}
EXPORT_CHUNK = 1000  # sessions per query when reading everything (export, --json)


def minutes_text(active_seconds: float) -> str:
    """A session's minutes as every view shows them: one decimal (32 s is 0.5)."""
    return f"{active_seconds / 60:.1f}"


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


@dataclass(frozen=True, slots=True)
class TableRow:
    """One line of the History screen's table: the session's own columns and its levels
    as ``exercise:level`` words in session order, joined by SQLite."""

    id: int
    started_at: str
    routine_name: str
    active_seconds: float
    status: str
    effort: int | None
    levels: str


_TABLE_ROWS = """
SELECT s.id, s.started_at, s.routine_name, s.active_seconds, s.status, s.effort, coalesce((
    SELECT group_concat(e.exercise || ':' || e.level, ' ')
    FROM session_exercises e INDEXED BY session_exercises_position WHERE e.session_id = s.id
), '')
FROM sessions s
"""


def table_rows(db: Database, limit: int, after: TableRow | None = None) -> list[TableRow]:
    """A page of the History screen's table, newest first, from one indexed query; the
    page after ``after`` (the last row shown) costs the same at any depth (no OFFSET)."""
    params: tuple[object, ...]
    where, params = "", ()
    if after is not None:
        where = "WHERE (s.started_at, s.id) < (?, ?)"
        params = (after.started_at, after.id)
    sql = f"{_TABLE_ROWS} {where} ORDER BY s.started_at DESC, s.id DESC LIMIT {int(limit)}"
    return [TableRow(*r) for r in db.query(sql, params)]


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


# One session as the documented JSON object, built by SQLite (its JSON functions write the
# text in C). The exercises come in session order through ``session_exercises_position``
# (``INDEXED BY``: the aggregate takes rows in index order). Seconds are rounded to 0.1 s
# with arithmetic (they are never negative); SQLite's ``round`` costs more than the rest.
_SESSION_JSON = """
SELECT json_object(
    'routine', s.routine, 'routine_name', s.routine_name,
    'started_at', s.started_at, 'ended_at', s.ended_at, 'status', s.status,
    'active_seconds', CAST(s.active_seconds * 10 + 0.5 AS INTEGER) / 10.0,
    'effort', s.effort,
    'exercises', (
        SELECT json_group_array(json_object(
            'exercise', e.exercise, 'level', e.level, 'sets_planned', e.sets_planned,
            'sets_done', e.sets_done, 'reps_done', e.reps_done,
            'seconds_done', CAST(e.seconds_done * 10 + 0.5 AS INTEGER) / 10.0))
        FROM session_exercises e INDEXED BY session_exercises_position
        WHERE e.session_id = s.id))
FROM sessions s
"""


def iter_session_json(db: Database, since: str | None = None) -> Iterator[str]:
    """Every session newest first as one JSON object's text (``SessionRow.to_json``'s
    fields), streamed from one query: nothing is built up before the first is out."""
    where, params = ("WHERE s.started_at >= ?", (since,)) if since else ("", ())
    sql = f"{_SESSION_JSON} {where} ORDER BY s.started_at DESC, s.id DESC"
    for batch in db.iter_query(sql, params):
        for (text,) in batch:
            yield str(text)


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


@dataclass(frozen=True, slots=True)
class Summary:
    """The History screen's headline: counts and streaks (local days, completed sessions)."""

    sessions: int
    completed: int
    current_streak: int
    longest_streak: int


def summary(db: Database, today: date) -> Summary:
    """Totals and streaks from ``history_totals`` and ``streak_runs`` (kept by triggers):
    three indexed lookups, however long the history. Today not done yet does not break
    the current streak: it still counts from yesterday until the day is over."""
    yesterday = (today - timedelta(days=1)).isoformat()
    [(sessions, completed)] = db.query("SELECT sessions, completed FROM history_totals") or [(0, 0)]
    length = "CAST(julianday(last) - julianday(first) AS INTEGER) + 1"
    longest = db.query(
        f"SELECT {length} FROM streak_runs ORDER BY julianday(last) - julianday(first) DESC LIMIT 1"
    )
    # The run holding today, or else yesterday (indexed on ``last``: only runs that
    # reach yesterday or later are read); counted up to today, not into future days.
    run = db.query(
        "SELECT first, last FROM streak_runs WHERE last >= ? AND first <= ?"
        " ORDER BY first DESC LIMIT 1",
        (yesterday, today.isoformat()),
    )
    current = 0
    if run:
        first, last = date.fromisoformat(run[0][0]), date.fromisoformat(run[0][1])
        current = (min(last, today) - first).days + 1
    return Summary(int(sessions), int(completed), current, int(longest[0][0]) if longest else 0)


def daily_totals(db: Database, since: str | None = None) -> list[tuple[str, float, int, int]]:
    """(local day YYYY-MM-DD, active minutes, sessions, completed sessions) per day with
    any session, oldest first, from ``since`` (a day) on when given: the calendar and the
    weekly bars read only their twelve weeks."""
    where, params = ("WHERE day >= ?", (since,)) if since else ("", ())
    rows = db.query(
        "SELECT day, active_seconds / 60.0, sessions, completed FROM session_days "
        f"{where} ORDER BY day",
        params,
    )
    return [(str(d), float(m), int(n), int(c)) for d, m, n, c in rows]


def level_points(db: Database) -> list[tuple[str, str, int]]:
    """(exercise, started_at, level) each time an exercise was first done at a new
    level, oldest first, from ``level_points`` (kept by a trigger): as many rows as there
    were level changes, however long the history."""
    rows = db.query(
        "SELECT p.exercise, s.started_at, p.level FROM level_points p"
        " JOIN sessions s ON s.id = p.session_id ORDER BY p.id"
    )
    return [(str(e), str(t), int(level)) for e, t, level in rows]
