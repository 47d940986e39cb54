"""Opening ``history.db`` safely: permissions, schema migrations, damage and newer versions.

The database holds health data and years of someone's effort, so opening it follows three
rules: a damaged file is moved aside (never deleted) before a fresh one is started; a file
from a newer glutecoach is only ever opened read-only and never written; and any other
failure turns history off with a reason the app can show, instead of stopping the workout.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from glutecoach.store.writer import DRAIN_SECONDS, HistoryWriter

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
BUSY_TIMEOUT_MS = 10_000  # opening and migrating only; writes go through ``HistoryWriter``
READ_WAIT = 1.0  # how long a read waits for this process's own queued writes to land

# Each entry moves the schema from version ``i`` to ``i + 1``. Never edit a shipped entry:
# add a new one, so every old file walks the same path to the current schema.
MIGRATIONS: tuple[str, ...] = (
    # v1: sessions and what was done per exercise.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('completed', 'partial')),
        active_seconds REAL NOT NULL DEFAULT 0,
        effort INTEGER CHECK (effort BETWEEN 1 AND 3)
    );
    CREATE TABLE session_exercises (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        level INTEGER NOT NULL,
        sets_planned INTEGER NOT NULL,
        sets_done INTEGER NOT NULL DEFAULT 0,
        reps_done INTEGER NOT NULL DEFAULT 0,
        seconds_done REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, exercise)
    );
    """,
    # v2: who owns an unfinished session (to tell a crash from a live workout), levels with
    # their change log, and the indexes the history screen and export need.
    """
    ALTER TABLE sessions ADD COLUMN pid INTEGER;
    ALTER TABLE sessions ADD COLUMN updated_at TEXT;
    UPDATE sessions SET updated_at = COALESCE(ended_at, started_at);
    CREATE TABLE levels (
        exercise TEXT PRIMARY KEY,
        level INTEGER NOT NULL CHECK (level >= 1),
        changed_at TEXT NOT NULL
    );
    CREATE TABLE level_changes (
        id INTEGER PRIMARY KEY,
        exercise TEXT NOT NULL,
        old_level INTEGER NOT NULL,
        new_level INTEGER NOT NULL,
        changed_at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sessions_started_at ON sessions(started_at);
    CREATE INDEX sessions_open ON sessions(id) WHERE ended_at IS NULL;
    CREATE INDEX session_exercises_exercise ON session_exercises(exercise, session_id);
    CREATE INDEX level_changes_exercise ON level_changes(exercise, changed_at);
    """,
    # v3: what the History screen shows, kept current by triggers on every write, so opening
    # it costs the same after ten years as after one week: per local day (sessions, completed,
    # active seconds) and each exercise's level changes. Days are the local day at the time
    # of the write (the day you trained where you were). On top of the days, the totals and
    # the runs of consecutive days with a completed session (streaks), kept by triggers on
    # the days. And exercises in session order, for exports that read them per session.
    """
    CREATE TABLE session_days (
        day TEXT PRIMARY KEY,
        sessions INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0,
        active_seconds REAL NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    INSERT INTO session_days (day, sessions, completed, active_seconds)
        SELECT date(started_at, 'localtime'), COUNT(*), SUM(status = 'completed'),
            SUM(active_seconds)
        FROM sessions GROUP BY 1;
    CREATE TRIGGER session_days_insert AFTER INSERT ON sessions BEGIN
        INSERT OR IGNORE INTO session_days (day) VALUES (date(NEW.started_at, 'localtime'));
        UPDATE session_days SET sessions = sessions + 1,
            completed = completed + (NEW.status = 'completed'),
            active_seconds = active_seconds + NEW.active_seconds
        WHERE day = date(NEW.started_at, 'localtime');
    END;
    CREATE TRIGGER session_days_update AFTER UPDATE OF started_at, status, active_seconds
    ON sessions BEGIN
        UPDATE session_days SET sessions = sessions - 1,
            completed = completed - (OLD.status = 'completed'),
            active_seconds = active_seconds - OLD.active_seconds
        WHERE day = date(OLD.started_at, 'localtime');
        INSERT OR IGNORE INTO session_days (day) VALUES (date(NEW.started_at, 'localtime'));
        UPDATE session_days SET sessions = sessions + 1,
            completed = completed + (NEW.status = 'completed'),
            active_seconds = active_seconds + NEW.active_seconds
        WHERE day = date(NEW.started_at, 'localtime');
        DELETE FROM session_days WHERE day = date(OLD.started_at, 'localtime') AND sessions <= 0;
    END;
    CREATE TRIGGER session_days_delete AFTER DELETE ON sessions BEGIN
        UPDATE session_days SET sessions = sessions - 1,
            completed = completed - (OLD.status = 'completed'),
            active_seconds = active_seconds - OLD.active_seconds
        WHERE day = date(OLD.started_at, 'localtime');
        DELETE FROM session_days WHERE day = date(OLD.started_at, 'localtime') AND sessions <= 0;
    END;
    CREATE TABLE history_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        sessions INTEGER NOT NULL,
        completed INTEGER NOT NULL
    );
    INSERT INTO history_totals (id, sessions, completed)
        SELECT 1, COALESCE(SUM(sessions), 0), COALESCE(SUM(completed), 0) FROM session_days;
    CREATE TRIGGER history_totals_insert AFTER INSERT ON session_days BEGIN
        UPDATE history_totals SET sessions = sessions + NEW.sessions,
            completed = completed + NEW.completed;
    END;
    CREATE TRIGGER history_totals_update AFTER UPDATE OF sessions, completed ON session_days
    BEGIN
        UPDATE history_totals SET sessions = sessions + NEW.sessions - OLD.sessions,
            completed = completed + NEW.completed - OLD.completed;
    END;
    CREATE TRIGGER history_totals_delete AFTER DELETE ON session_days BEGIN
        UPDATE history_totals SET sessions = sessions - OLD.sessions,
            completed = completed - OLD.completed;
    END;
    CREATE TABLE streak_runs (
        first TEXT PRIMARY KEY,
        last TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX streak_runs_last ON streak_runs(last);
    CREATE INDEX streak_runs_length ON streak_runs(julianday(last) - julianday(first));
    INSERT INTO streak_runs (first, last)
        SELECT MIN(day), MAX(day) FROM (
            SELECT day, julianday(day) - ROW_NUMBER() OVER (ORDER BY day) AS run
            FROM session_days WHERE completed > 0)
        GROUP BY run;
    CREATE TRIGGER streak_day_done AFTER UPDATE OF completed ON session_days
    WHEN OLD.completed = 0 AND NEW.completed > 0 BEGIN
        UPDATE streak_runs SET last = NEW.day WHERE last = date(NEW.day, '-1 day');
        INSERT INTO streak_runs (first, last) SELECT NEW.day, NEW.day
            WHERE NOT EXISTS (SELECT 1 FROM streak_runs WHERE last = NEW.day);
        UPDATE streak_runs
            SET last = (SELECT r.last FROM streak_runs r WHERE r.first = date(NEW.day, '+1 day'))
            WHERE last = NEW.day
            AND EXISTS (SELECT 1 FROM streak_runs r WHERE r.first = date(NEW.day, '+1 day'));
        DELETE FROM streak_runs WHERE first = date(NEW.day, '+1 day')
            AND EXISTS (SELECT 1 FROM streak_runs r
                WHERE r.last = streak_runs.last AND r.first < streak_runs.first);
    END;
    CREATE TRIGGER streak_day_undone AFTER UPDATE OF completed ON session_days
    WHEN OLD.completed > 0 AND NEW.completed = 0 BEGIN
        INSERT INTO streak_runs (first, last) SELECT date(NEW.day, '+1 day'), last
            FROM streak_runs WHERE first < NEW.day AND last > NEW.day;
        UPDATE streak_runs SET last = date(NEW.day, '-1 day')
            WHERE first < NEW.day AND last >= NEW.day;
        UPDATE streak_runs SET first = date(NEW.day, '+1 day')
            WHERE first = NEW.day AND last > NEW.day;
        DELETE FROM streak_runs WHERE first = NEW.day AND last = NEW.day;
    END;
    CREATE TABLE level_points (
        id INTEGER PRIMARY KEY,
        exercise TEXT NOT NULL,
        level INTEGER NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
    );
    CREATE INDEX level_points_exercise ON level_points(exercise, id);
    CREATE INDEX level_points_session ON level_points(session_id);
    CREATE INDEX session_exercises_position ON session_exercises(session_id, position);
    INSERT INTO level_points (exercise, level, session_id)
        SELECT exercise, level, session_id FROM (
            SELECT exercise, level, session_id, rowid AS n,
                LAG(level) OVER (PARTITION BY exercise ORDER BY session_id, rowid) AS before
            FROM session_exercises)
        WHERE before IS NULL OR before != level ORDER BY session_id, n;
    CREATE TRIGGER level_points_insert AFTER INSERT ON session_exercises
    WHEN NEW.level IS NOT (
        SELECT level FROM level_points WHERE exercise = NEW.exercise ORDER BY id DESC LIMIT 1
    ) BEGIN
        INSERT INTO level_points (exercise, level, session_id)
        VALUES (NEW.exercise, NEW.level, NEW.session_id);
    END;
    """,
    # v4 (remind): each desk-reminder nudge and what came of it; source 'early' is a break
    # the user started before any nudge.
    """
    CREATE TABLE breaks (
        id INTEGER PRIMARY KEY,
        nudged_at TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'snoozed', 'skipped', 'missed')),
        source TEXT NOT NULL DEFAULT 'nudge' CHECK (source IN ('nudge', 'early')),
        routine TEXT NOT NULL DEFAULT '',
        sat_seconds REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX breaks_nudged_at ON breaks(nudged_at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def utc_now() -> str:
    """UTC, ISO 8601, second precision: sorts as text and reads well in exports."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


class HistoryUnavailable(Exception):
    """History cannot be used; ``str()`` is the reason shown to the user."""


@dataclass
class OpenResult:
    db: Database | None
    why_disabled: str = ""
    notices: list[str] | None = None
    read_only: Database | None = None  # a newer file, opened only to read levels


class Database:
    """The file: one connection for reads (shared, serialised by a lock) and one writer.

    Every write goes through ``writer`` (its own thread and connection), so no caller ever
    waits for the disk or for a lock held by another program. Reads first let this
    process's own queued writes land (for at most ``READ_WAIT`` s, and not at all while
    the writer is held up by a lock), so a screen shows the session that just ended.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        writable: bool = True,
        on_notice: Callable[[str], object] | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.writable = writable
        self.on_notice = on_notice
        self.lock = threading.RLock()
        self._writer: HistoryWriter | None = None

    @property
    def writer(self) -> HistoryWriter:
        if not self.writable:
            raise HistoryUnavailable(f"{self.path} is open read-only")
        with self.lock:
            if self._writer is None:
                self._writer = HistoryWriter(self.path, on_notice=self.on_notice)
            return self._writer

    def settle(self, timeout: float = READ_WAIT) -> bool:
        """Let this process's queued writes land before a read; True when none are left."""
        writer = self._writer
        if writer is None or writer.pending == 0:
            return True
        if writer.waiting_on_lock:
            return False
        return writer.wait_idle(timeout)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A synchronous ``BEGIN IMMEDIATE`` transaction on the read connection, for tests
        and tools only: the app writes through ``writer``."""
        if not self.writable:
            raise HistoryUnavailable(f"{self.path} is open read-only")
        self.settle(DRAIN_SECONDS)
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        self.settle()
        with self.lock:
            return list(self.conn.execute(sql, params).fetchall())

    def iter_query(
        self, sql: str, params: tuple[object, ...] = (), size: int = 500
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql`` in batches of ``size``, read as they are consumed (exports)."""
        self.settle()
        with self.lock:
            cursor = self.conn.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield batch

    def close(self, drain: float = DRAIN_SECONDS) -> list[str]:
        """Drain the writer (at most ``drain`` s) and close; return what was not written."""
        lost = self._writer.close(drain) if self._writer is not None else []
        with self.lock:
            self.conn.close()
        return lost


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    else:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _is_damage(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB))
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL companions) so nothing of it is lost."""
    target = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{_stamp()}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def _check(conn: sqlite3.Connection) -> int:
    """Return the schema version; raise ``sqlite3.DatabaseError`` if the file is damaged."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise sqlite3.DatabaseError(f"database disk image is malformed: {rows[0][0]}")
    return version


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to ``SCHEMA_VERSION`` in one transaction; return the starting version.

    A file already current is only read: opening it never waits for another program's lock.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current >= SCHEMA_VERSION:
        return current
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = int(conn.execute("PRAGMA user_version").fetchone()[0])
        for version in range(start, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
        if start < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start


def _statements(script: str) -> Iterator[str]:
    """Each complete statement of ``script`` (a trigger's body holds semicolons of its own)."""
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        yield pending


def _create_private(path: Path) -> None:
    """Create the data dir (0700) and an empty db file (0600) before SQLite touches them."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        os.chmod(path.parent, 0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def open_database(path: Path) -> OpenResult:
    """Open (creating or upgrading) the history database, or explain why it cannot be used."""
    notices: list[str] = []
    for _attempt in range(2):
        try:  # a path too long to look at, a FIFO or a device: a reason, never a traceback
            existed = path.exists()
            if existed and not stat.S_ISREG(path.stat().st_mode):
                return OpenResult(None, f"{path} is not a regular file", notices)
        except OSError as exc:
            return OpenResult(None, f"cannot use {path}: {exc.strerror or exc}", notices)
        if existed:
            try:
                probe = _connect(path, read_only=True)
                try:
                    version = _check(probe)
                finally:
                    probe.close()
            except sqlite3.Error as exc:
                if not _is_damage(exc):
                    return OpenResult(None, f"cannot read {path}: {exc}", notices)
                try:
                    moved = _move_aside(path)
                except OSError as move_exc:
                    return OpenResult(
                        None,
                        f"{path} is damaged and could not be moved aside ({move_exc.strerror}); "
                        "history is off until it is fixed or removed",
                        notices,
                    )
                notices.append(
                    f"{path.name} was damaged ({exc}); it was kept as {moved.name} "
                    "and a fresh history was started."
                )
                continue
            if version > SCHEMA_VERSION:
                why = (
                    f"{path} was written by a newer glutecoach (schema {version}; this one knows "
                    f"up to {SCHEMA_VERSION}). History is off and the file is left untouched; "
                    "update glutecoach to use it."
                )
                return OpenResult(None, why, notices, read_only=_open_read_only(path))
        try:
            _create_private(path)
            conn = _connect(path)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.close()
                return OpenResult(
                    None, f"cannot use {path}: the directory is not writable", notices
                )
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            return OpenResult(None, f"cannot write {path}: {reason}", notices)
        except sqlite3.Error as exc:
            if _is_damage(exc) and existed:
                continue
            return OpenResult(None, f"cannot write {path}: {exc}", notices)
        return OpenResult(Database(conn, path), "", notices)
    return OpenResult(
        None, f"{path} could not be opened after moving a damaged copy aside", notices
    )


def _open_read_only(path: Path) -> Database | None:
    try:
        return Database(_connect(path, read_only=True), path, writable=False)
    except sqlite3.Error:
        return None
