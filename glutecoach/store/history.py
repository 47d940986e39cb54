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
from typing import TYPE_CHECKING

from glutecoach.engine.model import Plan, Step, StepKind
from glutecoach.engine.progress import ExerciseProgress
from glutecoach.store.db import Database, HistoryUnavailable, utc_now

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


@dataclass
class _Progress(ExerciseProgress):
    """One exercise's row: where it sits in the session and the level it was done at."""

    level: int = 1
    position: int = 0


class SessionRecord:
    """The running session's row. Its methods never raise: history must not stop a workout."""

    def __init__(
        self,
        history: History | None = None,
        session_id: int | None = None,
        progress: dict[str, _Progress] | None = None,
    ) -> None:
        self._history = history
        self.id = session_id
        self._progress = progress or {}
        self._step_seconds: dict[int, float] = {}
        self.finished = False

    @property
    def recording(self) -> bool:
        return self._history is not None and self.id is not None and self._history.enabled

    def step_finished(self, index: int, step: Step, seconds_done: float, completed: bool) -> None:
        if not self.recording:
            return
        assert self._history is not None
        seconds_done = max(0.0, float(seconds_done))
        self._step_seconds[index] = seconds_done  # latest wins: a repeated step counts once
        active = sum(self._step_seconds.values())
        progress = self._progress.get(step.exercise or "")
        totals: tuple[int, int, float] | None = None
        if step.kind is StepKind.WORK and progress is not None:
            progress.ended(index, step, seconds_done, bool(completed))
            totals = progress.totals()
        exercise = step.exercise

        def write(conn: sqlite3.Connection) -> None:
            if totals is not None:
                conn.execute(
                    "UPDATE session_exercises SET sets_done=?, reps_done=?, seconds_done=? "
                    "WHERE session_id=? AND exercise=?",
                    (*totals, self.id, exercise),
                )
            # Until ``finish`` gives the exact figure, active time is the finished steps' sum.
            conn.execute(
                "UPDATE sessions SET active_seconds=?, updated_at=? "
                "WHERE id=? AND ended_at IS NULL",
                (active, utc_now(), self.id),
            )

        self._history._write(write)

    def finish(self, status: str, active_seconds: float) -> None:
        if status not in STATUSES:
            status = "partial"
        if not self.recording:
            return
        assert self._history is not None
        now = utc_now()
        self._history._write(
            lambda conn: conn.execute(
                "UPDATE sessions SET status=?, active_seconds=?, ended_at=?, updated_at=? "
                "WHERE id=?",
                (status, max(0.0, float(active_seconds)), now, now, self.id),
            )
        )
        self.finished = True

    def rate(self, effort: int) -> None:
        if effort not in EFFORTS or not self.recording:
            return
        assert self._history is not None
        self._history._write(
            lambda conn: conn.execute("UPDATE sessions SET effort=? WHERE id=?", (effort, self.id))
        )


def _plan_progress(plan: Plan) -> dict[str, _Progress]:
    progress: dict[str, _Progress] = {}
    for position, (exercise_id, planned) in enumerate(plan.exercises.items()):
        progress[exercise_id] = _Progress(level=planned.level, position=position)
    for step in plan.steps:
        if step.kind is not StepKind.WORK or step.exercise is None:
            continue
        item = progress.get(step.exercise)
        if item is None:
            level = step.level or 1
            item = progress[step.exercise] = _Progress(level=level, position=len(progress))
        item.plan(step)
    return progress


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

    def _disable(self, reason: str) -> None:
        self.db = None
        self.why_disabled = reason
        if self._on_notice is not None:
            self._on_notice(f"History is off: {reason}")

    def _write(self, action: Callable[[sqlite3.Connection], object]) -> bool:
        if self.db is None:
            return False
        try:
            with self.db.write() as conn:
                action(conn)
        except (sqlite3.Error, HistoryUnavailable, OSError) as exc:
            self._disable(f"writing {self.db.path} failed ({exc})")
            return False
        return True

    def begin(self, plan: Plan, routine_name: str | None = None) -> SessionRecord:
        if self.db is None:
            return SessionRecord()
        progress = _plan_progress(plan)
        name = routine_name or plan.routine.name
        session_id: list[int] = []

        def insert(conn: sqlite3.Connection) -> None:
            now = utc_now()
            cur = conn.execute(
                "INSERT INTO sessions (routine, routine_name, started_at, status, pid, updated_at)"
                " VALUES (?, ?, ?, 'partial', ?, ?)",
                (plan.routine.id, name, now, os.getpid(), now),
            )
            sid = int(cur.lastrowid or 0)
            session_id.append(sid)
            conn.executemany(
                "INSERT INTO session_exercises (session_id, position, exercise, level, "
                "sets_planned) VALUES (?, ?, ?, ?, ?)",
                [(sid, p.position, ex, p.level, p.sets_planned) for ex, p in progress.items()],
            )

        if not self._write(insert):
            return SessionRecord()
        return SessionRecord(self, session_id[0], progress)

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
        self._write(
            lambda conn: conn.executemany(
                "UPDATE sessions SET status='partial', ended_at=COALESCE(updated_at, started_at)"
                " WHERE id=? AND ended_at IS NULL",
                stale,
            )
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


def _pid_alive(pid: int) -> bool:
    from glutecoach.platform import pid_alive  # kill 0 is a console Ctrl-C on Windows

    return pid_alive(pid)


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
