"""Crash recovery: closing sessions whose glutecoach died mid-workout.

A session's row says ``partial`` from its first write and is updated after every finished
step, so a crash or ``kill -9`` loses nothing that was written; all that is left to do is
to end such a session at its last finished step, once its process is known to be gone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from glutecoach.store.db import Database

STALE_AFTER = timedelta(hours=12)


def stale_sessions(db: Database, is_alive: Callable[[int], bool] | None = None) -> list[int]:
    """Open sessions whose process is gone, or that have not moved for ``STALE_AFTER`` (a
    reused process id). A session whose process still runs is another glutecoach
    mid-workout and is left alone."""
    alive = is_alive or pid_alive
    rows = db.query("SELECT id, pid, updated_at, started_at FROM sessions WHERE ended_at IS NULL")
    cutoff = (datetime.now(UTC) - STALE_AFTER).isoformat()
    return [
        int(sid)
        for sid, pid, updated, started in rows
        if pid is None or not alive(int(pid)) or str(updated or started) < cutoff
    ]


def close_sessions(ids: list[int]) -> Callable[[sqlite3.Connection], object]:
    """The write that ends them: ``partial``, ended at their last finished step."""
    params = [(sid,) for sid in ids]
    return lambda conn: conn.executemany(
        "UPDATE sessions SET status='partial', ended_at=COALESCE(updated_at, started_at)"
        " WHERE id=? AND ended_at IS NULL",
        params,
    )


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs: the platform seam's check (``kill 0`` and the zombie
    check on POSIX; on Windows ``kill 0`` would send a console Ctrl-C)."""
    from glutecoach.platform import pid_alive as alive

    return alive(pid)
