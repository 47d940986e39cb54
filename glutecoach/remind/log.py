"""The reminder's side of history.db: breaks taken elsewhere (read) and each nudge (written).

:class:`HistoryWatch` is asked at the moments the reminder wakes anyway. ``PRAGMA
data_version`` changes only when another connection committed, so an idle evening costs
one pragma a minute; the sessions table is read only after something changed (or while a
workout is open, to see whether its process is still alive).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from glutecoach.remind.schedule import OUTCOMES, Resolved
from glutecoach.store.db import Database, HistoryUnavailable

# A partial session shorter than this is a workout started and stopped, not a break.
MIN_BREAK_SECONDS = 30.0
RECENT = 50  # a routine finishing now is among the newest sessions


def _iso(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).replace(microsecond=0).isoformat()


def _wall(text: str) -> float | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True, slots=True)
class Seen:
    finished: float | None  # wall time the latest routine ended
    workout: bool  # a routine is running right now in a live process


class HistoryWatch:
    """What the sessions table says about breaks, read as rarely as possible."""

    def __init__(self, db: Database | None, is_alive: Callable[[int], bool]) -> None:
        self.db = db
        self._alive = is_alive
        self._version: int | None = None
        self._open: list[int] = []  # pids of open sessions at the last read
        self._seen = Seen(None, False)
        self.reads = 0  # sessions-table reads, for tests and the benchmark

    def poll(self) -> Seen:
        if self.db is None:
            return self._seen
        try:
            version = int(self.db.query("PRAGMA data_version")[0][0])
            if version != self._version:
                self._version = version
                self._read()
            elif self._open:
                self._seen = Seen(self._seen.finished, any(self._alive(p) for p in self._open))
        except (sqlite3.Error, HistoryUnavailable):
            return self._seen
        return self._seen

    def _read(self) -> None:
        assert self.db is not None
        self.reads += 1
        rows = self.db.query(
            "SELECT MAX(ended_at) FROM (SELECT ended_at, status, active_seconds FROM sessions"
            f" ORDER BY id DESC LIMIT {RECENT}) WHERE ended_at IS NOT NULL"
            " AND (status = 'completed' OR active_seconds >= ?)",
            (MIN_BREAK_SECONDS,),
        )
        latest = rows[0][0] if rows else None
        self._open = [
            int(pid)
            for (pid,) in self.db.query("SELECT pid FROM sessions WHERE ended_at IS NULL")
            if pid is not None
        ]
        finished = _wall(latest) if latest else None
        self._seen = Seen(finished, any(self._alive(p) for p in self._open))


@dataclass(frozen=True, slots=True)
class BreakRow:
    nudged_at: str
    answered_at: str
    outcome: str
    source: str
    routine: str
    sat_seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "nudged_at": self.nudged_at,
            "answered_at": self.answered_at,
            "outcome": self.outcome,
            "source": self.source,
            "routine": self.routine,
            "sat_seconds": round(self.sat_seconds),
        }


class BreakLog:
    """Writes one row per resolved nudge. Never raises: a reminder must not stop for it."""

    def __init__(self, db: Database | None, on_notice: Callable[[str], None]) -> None:
        self.db = db
        self._notice = on_notice

    def record(self, event: Resolved, routine: str) -> None:
        if self.db is None:
            return
        nudge = event.nudge
        start = nudge.at if nudge is not None else event.at
        sat = nudge.sat if nudge is not None else 0.0
        row = (
            _iso(start.wall),
            _iso(event.at.wall),
            event.outcome,
            "nudge" if nudge is not None else "early",
            routine if event.outcome == "taken" else "",
            round(sat, 1),
        )
        try:
            with self.db.write() as conn:
                conn.execute(
                    "INSERT INTO breaks (nudged_at, answered_at, outcome, source, routine,"
                    " sat_seconds) VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
        except (sqlite3.Error, HistoryUnavailable, OSError) as exc:
            self._notice(f"could not remember this nudge in {self.db.path} ({exc})")
            self.db = None


def read_breaks(db: Database | None, since: str | None = None) -> list[BreakRow]:
    """Breaks newest first; ``since`` a UTC date (YYYY-MM-DD)."""
    if db is None:
        return []
    where, params = ("WHERE nudged_at >= ?", (since,)) if since else ("", ())
    rows = db.query(
        "SELECT nudged_at, answered_at, outcome, source, routine, sat_seconds FROM breaks"
        f" {where} ORDER BY nudged_at DESC, id DESC",
        params,
    )
    return [BreakRow(str(a), str(b), str(c), str(d), str(e), float(f)) for a, b, c, d, e, f in rows]


def per_day(rows: list[BreakRow]) -> list[tuple[str, dict[str, int]]]:
    """(local day, count per outcome), newest day first."""
    days: dict[str, dict[str, int]] = {}
    for row in rows:
        wall = _wall(row.nudged_at)
        day = date.fromtimestamp(wall).isoformat() if wall is not None else row.nudged_at[:10]
        counts = days.setdefault(day, dict.fromkeys(OUTCOMES, 0))
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return sorted(days.items(), reverse=True)


def breaks_line(db: Database | None, today: date | None = None) -> str:
    """One line for the History screen: nudges and breaks taken today and over 7 days.
    Empty when the reminder was never used, so the screen is unchanged for most people."""
    if db is None:
        return ""
    try:
        rows = read_breaks(db)
    except (sqlite3.Error, HistoryUnavailable):
        return ""
    if not rows:
        return ""
    today = today or date.today()
    counts = dict(per_day(rows))
    week = [(today - timedelta(days=n)).isoformat() for n in range(7)]
    empty = dict.fromkeys(OUTCOMES, 0)

    def text(days: list[str]) -> str:
        taken = sum(counts.get(d, empty)["taken"] for d in days)
        nudges = sum(sum(counts.get(d, empty).values()) for d in days)
        return f"{taken} taken of {nudges} nudges" if nudges else "none"

    return f"Desk breaks: today {text(week[:1])} · last 7 days {text(week)}"
