"""The session log: ``History`` records sessions as they happen and reads them back.

A session row is written when the workout begins and updated after every finished step,
with status ``partial`` until ``finish`` says otherwise, so a crash or ``kill -9`` leaves
a ``partial`` session holding every step finished before it. Nothing is written at
import or when the store opens, apart from creating the schema.

The work is split by job; this class is the one door to it:

- ``store/writer.py``: the one thread that writes, and its queue;
- ``store/recording.py``: the recorder a run talks to (``SessionRecord``);
- ``store/recovery.py``: closing sessions a crash left open;
- ``store/queries.py``: sessions, per-day totals, level points;
- ``store/export.py``: CSV rows and streamed JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from glutecoach.store import recovery
from glutecoach.store.db import Database, HistoryUnavailable
from glutecoach.store.recovery import STALE_AFTER
from glutecoach.store.recovery import pid_alive as _pid_alive
from glutecoach.store.writer import DRAIN_SECONDS, Notices

if TYPE_CHECKING:
    from glutecoach.store.export import CSV_HEADER, export_rows
    from glutecoach.store.queries import (
        EFFORTS,
        STATUSES,
        ExerciseRow,
        SessionRow,
        Summary,
        TableRow,
    )
    from glutecoach.store.recording import SessionRecord

# Imported on first use, not with this module: opening the store (the app's first frame)
# needs none of them, and they cost ~8 ms (the queries' dataclasses, json for the export).
_LATER = {
    "CSV_HEADER": "glutecoach.store.export",
    "export_rows": "glutecoach.store.export",
    "EFFORTS": "glutecoach.store.queries",
    "STATUSES": "glutecoach.store.queries",
    "ExerciseRow": "glutecoach.store.queries",
    "SessionRow": "glutecoach.store.queries",
    "Summary": "glutecoach.store.queries",
    "TableRow": "glutecoach.store.queries",
    "SessionRecord": "glutecoach.store.recording",
}

if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any name here

    def __getattr__(name: str) -> object:
        module = _LATER.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


__all__ = [
    "CSV_HEADER",
    "EFFORTS",
    "STALE_AFTER",
    "STATUSES",
    "ExerciseRow",
    "History",
    "NoHistory",
    "SessionRecord",
    "SessionRow",
    "Summary",
    "TableRow",
    "_pid_alive",
    "export_rows",
]


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

    # -- writing (queued for the writer thread; never blocks, never raises) ------------------

    def queue_write(
        self,
        action: Callable[[sqlite3.Connection], object],
        what: str,
        notices: Notices | None = None,
        on_done: Callable[[], object] | None = None,
    ) -> bool:
        if self.db is None:
            return False
        try:
            writer = self.db.writer
        except HistoryUnavailable:
            return False
        if notices is None and self._on_notice is not None:
            notices = Notices(self._on_notice)
        return writer.submit(action, what, notices, on_done=on_done)

    def begin(
        self, plan: Plan, routine_name: str, on_notice: Callable[[str], object] | None = None
    ) -> SessionRecord:
        """Queue the new session's row and return its recorder at once."""
        from glutecoach.store import recording

        record = recording.SessionRecord(self if self.db is not None else None, Notices(on_notice))
        if self.db is not None:
            recording.start(self, plan, routine_name, record)
        return record

    def flush(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait (at most ``timeout`` s) until every queued write is on disk; True if so."""
        if self.db is None or not self.db.writable:
            return True
        return self.db.writer.wait_idle(timeout)

    def close_stale(self, is_alive: Callable[[int], bool] | None = None) -> int:
        """End sessions whose process is gone (a crash): ``partial``, ended at their last
        step. Returns how many were found (their closing is queued)."""
        if self.db is None:
            return 0
        stale = recovery.stale_sessions(self.db, is_alive)
        if stale:
            self.queue_write(recovery.close_sessions(stale), "closing sessions a crash left open")
        return len(stale)

    # -- reading -----------------------------------------------------------------------------

    def sessions(
        self,
        since: str | None = None,
        limit: int | None = None,
        *,
        offset: int = 0,
        exercises: bool = True,
    ) -> list[SessionRow]:
        if self.db is None:
            return []
        from glutecoach.store import queries

        return queries.sessions(self.db, since, limit, offset=offset, exercises=exercises)

    def table_rows(self, limit: int, after: TableRow | None = None) -> list[TableRow]:
        """A page of the History screen's table (``queries.table_rows``)."""
        from glutecoach.store import queries

        return [] if self.db is None else queries.table_rows(self.db, limit, after)

    def iter_sessions(self, since: str | None = None) -> Iterator[SessionRow]:
        if self.db is None:
            return iter(())
        from glutecoach.store import queries

        return queries.iter_sessions(self.db, since)

    def iter_session_json(self, since: str | None = None) -> Iterator[str]:
        """Each session's JSON text, newest first, streamed (``history --json``)."""
        if self.db is None:
            return iter(())
        from glutecoach.store import queries

        return queries.iter_session_json(self.db, since)

    def daily_totals(self, since: str | None = None) -> list[tuple[str, float, int, int]]:
        from glutecoach.store import queries

        return [] if self.db is None else queries.daily_totals(self.db, since)

    def summary(self, today: date) -> Summary:
        from glutecoach.store import queries

        if self.db is None:
            return queries.Summary(0, 0, 0, 0)
        return queries.summary(self.db, today)

    def level_points(self) -> list[tuple[str, str, int]]:
        from glutecoach.store import queries

        return [] if self.db is None else queries.level_points(self.db)


class NoHistory(History):
    """A session log that records nothing, with the reason (``--no-history``): every
    recorder it hands out is a no-op and every query is empty. Levels are not affected."""

    def __init__(self, why: str = "this run was started with --no-history") -> None:
        super().__init__(None, why)


if TYPE_CHECKING:
    from glutecoach.engine.model import Plan
    from glutecoach.workout.ports import Recorder, SessionLog

    def _implements_the_ports(
        history: History, off: NoHistory, record: SessionRecord
    ) -> tuple[SessionLog, SessionLog, Recorder]:
        """mypy --strict checks that these satisfy the contracts in ``workout/ports.py``."""
        return history, off, record
