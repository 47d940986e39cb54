"""Recording a session as it happens: the recorder the run talks to, and the insert that
starts a session. Every write is a job for the history writer (``store/writer.py``)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from glutecoach.store.db import utc_now
from glutecoach.store.queries import EFFORTS, STATUSES
from glutecoach.store.writer import Notices, SkipWrite

if TYPE_CHECKING:  # the engine loads only when a session starts, not for reading history
    from glutecoach.engine.model import Plan
    from glutecoach.engine.progress import ExerciseDone

Action = Callable[[sqlite3.Connection], object]


class Submit(Protocol):
    """How a recorder queues a write: ``History.queue_write``."""

    @property
    def enabled(self) -> bool: ...

    def queue_write(
        self,
        action: Action,
        what: str,
        notices: Notices | None,
        on_done: Callable[[], object] | None = None,
    ) -> bool: ...


class SessionRecord:
    """The running session's row (a ``Recorder``). Every method only queues a write for the
    history writer and returns at once; none raises. The run counts what was done
    (``PlanTally``) and hands the totals in. ``session_id`` is None until the writer has
    inserted the row (writes queued before then wait for it inside the writer)."""

    def __init__(self, history: Submit | None = None, notices: Notices | None = None) -> None:
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

        self._history.queue_write(action, what, self._notices)

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


def start(history: Submit, plan: Plan, routine_name: str, record: SessionRecord) -> None:
    """Queue the session's row and its planned exercises; ``record`` learns its id on commit."""
    from glutecoach.engine.progress import PlanTally

    rows = PlanTally(plan).rows
    name = routine_name or plan.routine.name
    now = utc_now()
    pid = os.getpid()
    inserted = [0]

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

    history.queue_write(insert, "the session's start", record._notices, committed)
