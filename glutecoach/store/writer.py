"""One thread owns every write to ``history.db``, so no caller ever waits for the disk.

Callers hand a job (a function of a connection) to ``HistoryWriter.submit`` and go on at
once; the writer runs the jobs in order, each in its own short ``BEGIN IMMEDIATE``
transaction on its own connection. A lock held by another process (``SQLITE_BUSY``) is
waited out: each try waits at most ``BUSY_TRY_MS`` inside SQLite, then the writer says so
once and tries again, for as long as it takes. History is never turned off for it. A job
that fails for any other reason is dropped and said once. ``close`` drains what is left,
waiting at most a few seconds, and returns what could not be written.

Jobs run strictly in order, so a job may rely on state an earlier one set (a session's
row id, set by the insert that ``History.begin`` queued).
"""

from __future__ import annotations

import atexit
import contextlib
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Action = Callable[[sqlite3.Connection], object]

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
BUSY_TRY_MS = 100  # SQLite's own wait per try; the writer retries without end until closed
DRAIN_SECONDS = 3.0  # how long ``close`` waits for queued writes before giving them up
# WAL + FULL, chosen by tests/bench/history_write_bench.py: a step's commit costs a median
# 0.2 to 2 ms (idle or busy disk; NORMAL 0.02 to 0.04 ms) on the writer thread, off every
# timing path, and FULL keeps the last finished step through a power cut too; both keep
# every commit through a kill -9.
SYNCHRONOUS = "FULL"


class Notices:
    """Says each kind of trouble at most once to one listener (any thread may call)."""

    def __init__(self, listener: Callable[[str], object] | None = None) -> None:
        self.listener = listener
        self._said: set[str] = set()
        self._lock = threading.Lock()

    def once(self, kind: str, text: str) -> None:
        with self._lock:
            if kind in self._said:
                return
            self._said.add(kind)
        if self.listener is not None:
            with contextlib.suppress(Exception):  # a closed screen must not stop the writer
                self.listener(text)


class SkipWrite(Exception):
    """Raised by a job whose write no longer makes sense (its session was never inserted)."""


@dataclass
class _Job:
    action: Action
    what: str
    notices: Notices
    on_failed: Callable[[str], object] | None = None
    on_done: Callable[[], object] | None = None


def is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED))
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def connect_for_writing(path: Path, busy_ms: int, synchronous: str) -> sqlite3.Connection:
    """The writer's own connection: ``mode=rw`` so a file removed meanwhile is not recreated."""
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=busy_ms / 1000,
    )
    conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    return conn


class HistoryWriter:
    """The queue and the one thread that writes it (started by the first ``submit``)."""

    def __init__(
        self,
        path: Path,
        *,
        on_notice: Callable[[str], object] | None = None,
        busy_ms: int = BUSY_TRY_MS,
        synchronous: str = SYNCHRONOUS,
    ) -> None:
        self.path = path
        self.busy_ms = busy_ms
        self.synchronous = synchronous
        self.notices = Notices(on_notice)
        self.lost: list[str] = []  # what could not be written, in order
        self.written = 0
        self._jobs: deque[_Job] = deque()
        self._running = False
        self._waiting = False
        self._closed = False
        self._deadline: float | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None

    # -- callers (any thread, never blocking) ------------------------------------------------

    def submit(
        self,
        action: Action,
        what: str,
        notices: Notices | None = None,
        on_failed: Callable[[str], object] | None = None,
        on_done: Callable[[], object] | None = None,
    ) -> bool:
        """Queue ``action``; False (and said once) when the writer is already closed.
        ``on_done`` runs on the writer thread after the commit, ``on_failed`` if it never is."""
        job = _Job(action, what, notices or self.notices, on_failed, on_done)
        with self._cond:
            if not self._closed:
                self._jobs.append(job)
                if self._thread is None:
                    self._start()
                self._cond.notify_all()
                return True
        self._give_up(job, "history was already closed")
        return False

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._jobs)

    @property
    def waiting_on_lock(self) -> bool:
        """True while a write is held up by another program's lock."""
        return self._waiting

    def wait_idle(self, timeout: float) -> bool:
        """Block until every queued write is done (tests, exports, the CLI); True if it was."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = DRAIN_SECONDS) -> list[str]:
        """Write what is queued, waiting at most ``timeout`` s; return what was lost."""
        with self._cond:
            self._closed = True
            self._deadline = time.monotonic() + timeout
            self._cond.notify_all()
            thread = self._thread
        atexit.unregister(self._at_exit)
        if thread is not None:
            thread.join(timeout + self.busy_ms / 1000 + 1.0)
        with self._cond:
            stuck = list(self._jobs) if thread is not None and thread.is_alive() else []
            self._jobs.clear()
        for job in stuck:  # a write that hung inside SQLite past every deadline
            self._give_up(job, f"writing {self.path.name} did not finish in {timeout:.0f} s")
        return list(self.lost)

    # -- the writer thread -------------------------------------------------------------------

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="history-writer", daemon=True)
        self._thread.start()
        atexit.register(self._at_exit)

    def _at_exit(self) -> None:
        self.close()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closed:
                    self._cond.wait()
                if not self._jobs:
                    break
                job = self._jobs[0]
            abandoned = not self._run(job)
            with self._cond:
                if self._jobs and self._jobs[0] is job:
                    self._jobs.popleft()
                rest = list(self._jobs) if abandoned else []
                if abandoned:
                    self._jobs.clear()
                self._cond.notify_all()
            if abandoned:
                for other in rest:
                    self._give_up(other, self._locked_reason())
                break
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def _past_deadline(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    def _locked_reason(self) -> str:
        return f"{self.path.name} stayed locked by another program until glutecoach closed"

    def _run(self, job: _Job) -> bool:
        """Write one job, waiting out locks. False: the drain deadline passed while locked."""
        while True:
            started = time.monotonic()
            try:
                conn = self._conn or self._open()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    job.action(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                if not is_busy(exc):
                    self._give_up(job, f"writing {self.path.name} failed ({exc})")
                    return True
                self._waiting = True
                job.notices.once(
                    "busy",
                    f"History is waiting: another program is holding {self.path.name}. "
                    "What you do is kept and saved as soon as it lets go.",
                )
                if self._past_deadline():
                    self._give_up(job, self._locked_reason())
                    return False
                if time.monotonic() - started < self.busy_ms / 2000:
                    time.sleep(self.busy_ms / 1000)  # SQLite said busy without waiting
                continue
            except SkipWrite as exc:
                self._give_up(job, str(exc) or "its session was not recorded")
                return True
            except Exception as exc:  # OSError, a bug in a job: report, never stop the thread
                self._give_up(job, f"writing {self.path.name} failed ({exc})")
                return True
            self._waiting = False
            self.written += 1
            if job.on_done is not None:
                job.on_done()
            return True

    def _open(self) -> sqlite3.Connection:
        self._conn = connect_for_writing(self.path, self.busy_ms, self.synchronous)
        return self._conn

    def _give_up(self, job: _Job, reason: str) -> None:
        self.lost.append(f"{job.what}: {reason}")
        job.notices.once("failed", f"History could not save {job.what}: {reason}.")
        if job.on_failed is not None:
            with contextlib.suppress(Exception):
                job.on_failed(reason)
