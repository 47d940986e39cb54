"""Recording sessions as they happen, and reading them back.

A session row is written when the workout begins and updated after every finished step,
with status ``partial`` until ``finish`` says otherwise. So a crash or ``kill -9`` leaves a
``partial`` session holding every step finished before it, with no recovery step needed.
Nothing is written at import or when the store opens, apart from creating the schema.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from glutecoach.engine.model import Plan
from glutecoach.engine.progress import ExerciseDone, PlanTally
from glutecoach.store.db import Database, HistoryUnavailable, utc_now
from glutecoach.store.writer import DRAIN_SECONDS, Notices, SkipWrite

if TYPE_CHECKING:
    from collections.abc import Iterable

STATUSES = ("completed", "partial")
EFFORTS = {1: "easy", 2: "about right", 3: "hard"}
STALE_AFTER = timedelta(hours=12)


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


class SessionRecord:
    """The running session's row (a ``Recorder``). Every method only queues a write for the
    history writer and returns at once; none raises. The run counts what was done
    (``PlanTally``) and hands the totals in. ``session_id`` is None until the writer has
    inserted the row (writes queued before then wait for it inside the writer)."""

    def __init__(self, history: History | None = None, notices: Notices | None = None) -> None:
        self._history = history
        self._notices = notices or Notices()
        self.session_id: int | None = None
        self.finished = False

    @property
    def recording(self) -> bool:
        return self._history is not None and self._history.enabled

    def _queue(self, what: str, write: Callable[[sqlite3.Connection, int], object]) -> None:
        if self._history is None:
            return

        def action(conn: sqlite3.Connection) -> None:
            if self.session_id is None:
                raise SkipWrite("the session's start was not recorded")
            write(conn, self.session_id)

        self._history._submit(action, what, self._notices)

    def progress(self, done: ExerciseDone | None, active_seconds: float) -> None:
        if not self.recording:
            return
        active = max(0.0, float(active_seconds))
        now = utc_now()  # when the step ended, not when the write lands: a crash closes here

        def write(conn: sqlite3.Connection, sid: int) -> None:
            if done is not None:
                conn.execute(
                    "UPDATE session_exercises SET sets_done=?, reps_done=?, seconds_done=? "
                    "WHERE session_id=? AND exercise=?",
                    (done.sets_done, done.reps_done, done.seconds_done, sid, done.exercise),
                )
            conn.execute(
                "UPDATE sessions SET active_seconds=?, updated_at=? "
                "WHERE id=? AND ended_at IS NULL",
                (active, now, sid),
            )

        self._queue("a finished step", write)

    def finish(self, status: str, active_seconds: float) -> None:
        if status not in STATUSES:
            status = "partial"
        if not self.recording:
            return
        now = utc_now()
        active = max(0.0, float(active_seconds))
        self._queue(
            "the session's end",
            lambda conn, sid: conn.execute(
                "UPDATE sessions SET status=?, active_seconds=?, ended_at=?, updated_at=? "
                "WHERE id=?",
                (status, active, now, now, sid),
            ),
        )
        self.finished = True

    def rate(self, effort: int) -> None:
        if effort not in EFFORTS or not self.recording:
            return
        self._queue(
            "your effort rating",
            lambda conn, sid: conn.execute(
                "UPDATE sessions SET effort=? WHERE id=?", (effort, sid)
            ),
        )


class History:
    """The session log. ``enabled`` False means every write is a quiet no-op and
    ``why_disabled`` says why, so front ends show one line instead of failing."""

    def __init__(
        self,
        db: Database | None,
        why_disabled: str = "",
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.why_disabled = why_disabled if db is None else ""
        self._on_notice = on_notice

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def _submit(
        self,
        action: Callable[[sqlite3.Connection], object],
        what: str,
        notices: Notices | None,
        on_done: Callable[[], object] | None = None,
    ) -> bool:
        """Queue a write for the history writer; never blocks, never raises."""
        if self.db is None:
            return False
        try:
            writer = self.db.writer
        except HistoryUnavailable:
            return False
        if notices is None and self._on_notice is not None:
            notices = Notices(self._on_notice)
        return writer.submit(action, what, notices, on_done=on_done)

    def flush(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait (at most ``timeout`` s) until every queued write is on disk; True if so."""
        if self.db is None or not self.db.writable:
            return True
        return self.db.writer.wait_idle(timeout)

    def begin(
        self, plan: Plan, routine_name: str, on_notice: Callable[[str], object] | None = None
    ) -> SessionRecord:
        record = SessionRecord(self if self.db is not None else None, Notices(on_notice))
        if self.db is None:
            return record
        rows = PlanTally(plan).rows
        name = routine_name or plan.routine.name
        now = utc_now()
        pid = os.getpid()

        def insert(conn: sqlite3.Connection) -> None:
            cur = conn.execute(
                "INSERT INTO sessions (routine, routine_name, started_at, status, pid, updated_at)"
                " VALUES (?, ?, ?, 'partial', ?, ?)",
                (plan.routine.id, name, now, pid, now),
            )
            sid = inserted[0] = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO session_exercises (session_id, position, exercise, level, "
                "sets_planned) VALUES (?, ?, ?, ?, ?)",
                [(sid, r.position, r.exercise, r.level, r.sets_planned) for r in rows],
            )

        def committed() -> None:
            record.session_id = inserted[0]

        inserted = [0]
        self._submit(insert, "the session's start", record._notices, committed)
        return record

    def close_stale(self, is_alive: Callable[[int], bool] | None = None) -> int:
        """End sessions whose process is gone (a crash): ``partial``, ended at their last step.

        A session whose process still runs is another glutecoach mid-workout, so it is left
        alone unless it has not moved for ``STALE_AFTER`` (a reused process id).
        """
        if self.db is None:
            return 0
        alive = is_alive or _pid_alive
        rows = self.db.query(
            "SELECT id, pid, updated_at, started_at FROM sessions WHERE ended_at IS NULL"
        )
        cutoff = (datetime.now(UTC) - STALE_AFTER).isoformat()
        stale = [
            (int(sid),)
            for sid, pid, updated, started in rows
            if pid is None or not alive(int(pid)) or str(updated or started) < cutoff
        ]
        if not stale:
            return 0
        self._submit(
            lambda conn: conn.executemany(
                "UPDATE sessions SET status='partial', ended_at=COALESCE(updated_at, started_at)"
                " WHERE id=? AND ended_at IS NULL",
                stale,
            ),
            "closing sessions a crash left open",
            None,
        )
        return len(stale)

    def sessions(
        self,
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
        if self.db is None:
            return []
        where = "WHERE started_at >= ?" if since else ""
        params: tuple[object, ...] = (since,) if since else ()
        lim = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
        rows = self.db.query(
            "SELECT id, routine, routine_name, started_at, ended_at, status, active_seconds, "
            f"effort FROM sessions {where} ORDER BY started_at DESC, id DESC {lim}",
            params,
        )
        if not rows:
            return []
        by_session: dict[int, list[ExerciseRow]] = {}
        if exercises:
            by_session = self._exercises(min(int(r[0]) for r in rows))
        return [
            SessionRow(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(by_session.get(r[0], ()))
            )
            for r in rows
        ]

    def _exercises(self, oldest: int) -> dict[int, list[ExerciseRow]]:
        assert self.db is not None
        by_session: dict[int, list[ExerciseRow]] = {}
        # Column types are fixed by the schema (NOT NULL, typed), so rows go in unconverted.
        for sid, *values in self.db.query(
            "SELECT session_id, exercise, level, sets_planned, sets_done, reps_done, seconds_done"
            " FROM session_exercises WHERE session_id >= ? ORDER BY session_id, position",
            (oldest,),
        ):
            by_session.setdefault(sid, []).append(ExerciseRow(*values))
        return by_session

    def daily_totals(self) -> list[tuple[str, float, int, int]]:
        """(local day YYYY-MM-DD, active minutes, sessions, completed sessions) per day with
        any session, oldest first. Grouped in SQLite: streaks and the calendar need days,
        not rows, and this is ten times faster than reading every session."""
        if self.db is None:
            return []
        rows = self.db.query(
            "SELECT date(started_at, 'localtime') AS day, SUM(active_seconds) / 60.0,"
            " COUNT(*), SUM(status = 'completed') FROM sessions GROUP BY day ORDER BY day"
        )
        return [(str(d), float(m), int(n), int(c)) for d, m, n, c in rows]

    def level_points(self) -> list[tuple[str, str, int]]:
        """(exercise, started_at, level) each time an exercise was first done at a new
        level, oldest first: the level-over-time line without reading every row in Python."""
        if self.db is None:
            return []
        # Exercise rows are inserted with their session, so table order is session order:
        # one plain scan finds the changes faster than a window function sorts them.
        last: dict[str, int] = {}
        changes: list[tuple[int, str, int]] = []
        for sid, exercise, level in self.db.query(
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
                self.db.query(
                    f"SELECT id, started_at FROM sessions WHERE id IN ({marks})", tuple(part)
                )
            )
        rows = [(e, started[sid], level) for sid, e, level in changes if sid in started]
        return [(str(e), str(t), int(level)) for e, t, level in rows]


class NoHistory(History):
    """A session log that records nothing, with the reason (``--no-history``): every
    recorder it hands out is a no-op and every query is empty. Levels are not affected."""

    def __init__(self, why: str = "this run was started with --no-history") -> None:
        super().__init__(None, why)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    try:  # a killed process not yet reaped (a zombie) still answers signal 0
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def export_rows(sessions: Iterable[SessionRow]) -> list[list[object]]:
    """CSV rows, one per session-exercise (a session with none still gets one row)."""
    out: list[list[object]] = []
    for s in sessions:
        base: list[object] = [
            s.started_at,
            s.ended_at or "",
            s.routine,
            s.status,
            round(s.active_seconds, 1),
            "" if s.effort is None else s.effort,
        ]
        if not s.exercises:
            out.append([*base, "", "", "", "", "", ""])
        for e in s.exercises:
            out.append(
                [
                    *base,
                    e.exercise,
                    e.level,
                    e.sets_planned,
                    e.sets_done,
                    e.reps_done,
                    round(e.seconds_done, 1),
                ]
            )
    return out


CSV_HEADER = [
    "started_at",
    "ended_at",
    "routine",
    "status",
    "active_seconds",
    "effort",
    "exercise",
    "level",
    "sets_planned",
    "sets_done",
    "reps_done",
    "seconds_done",
]


if TYPE_CHECKING:
    from glutecoach.workout.ports import Recorder, SessionLog

    def _implements_the_ports(
        history: History, off: NoHistory, record: SessionRecord
    ) -> tuple[SessionLog, SessionLog, Recorder]:
        """mypy --strict checks that these satisfy the contracts in ``workout/ports.py``."""
        return history, off, record
