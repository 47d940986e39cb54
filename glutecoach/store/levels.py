"""Where each exercise sits on its ladder, and when to suggest a move.

Levels live in ``history.db`` (a ``levels`` table plus a ``level_changes`` log) because the
suggestion rule reads the sessions and ratings beside them, one transaction covers both, and
the file already has the care health data needs (0600, backups of damage). When history is
off, levels still work for the run (kept in memory) and the reason is one notice away.

The rule, in words a user can check:

* **Up**: three sessions in the last 21 days where you finished every set of the exercise at
  its current level, none of them rated hard, since the level was last changed.
* **Down**: your last two rated sessions with the exercise at its current level were both
  rated hard.

Nothing changes until the user accepts a suggestion.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from glutecoach.store.db import Database, HistoryUnavailable, utc_now
from glutecoach.store.writer import Notices

if TYPE_CHECKING:
    from glutecoach.engine.model import Exercise

UP_AFTER_SESSIONS = 3
UP_WINDOW = timedelta(days=21)
DOWN_AFTER_HARD = 2
HARD = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    exercise: str
    current: int
    proposed: int
    reason: str


@dataclass(frozen=True, slots=True)
class LevelChange:
    exercise: str
    old: int
    new: int
    changed_at: str
    reason: str


class LevelStore:
    """Current level per exercise (1 unless set), saved with a log of every change."""

    def __init__(
        self,
        db: Database | None,
        why_disabled: str = "",
        read_from: Database | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.why_not_saved = why_disabled if db is None else ""
        self._now = clock or (lambda: datetime.now(UTC))
        self._levels: dict[str, int] = {}
        self._changed: dict[str, str] = {}
        self._load(db or read_from)

    def _load(self, source: Database | None) -> None:
        if source is None:
            return
        try:
            rows = source.query("SELECT exercise, level, changed_at FROM levels")
        except sqlite3.Error:
            return
        for exercise, level, changed_at in rows:
            self._levels[str(exercise)] = int(level)
            self._changed[str(exercise)] = str(changed_at)

    @property
    def saved(self) -> bool:
        return self.db is not None

    def current(self) -> dict[str, int]:
        """Levels the user has set; any exercise not listed is at level 1."""
        return dict(self._levels)

    def get(self, exercise: str) -> int:
        return self._levels.get(exercise, 1)

    def set(
        self,
        exercise: str,
        level: int,
        reason: str = "set by hand",
        on_notice: Callable[[str], object] | None = None,
    ) -> bool:
        """Set one level: it applies at once and its save is queued for the history writer
        (so a locked database never freezes the screen). False when it cannot be saved at
        all (history off); a save that later fails sets ``why_not_saved`` and is said once
        through ``on_notice``."""
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(f"level must be a whole number from 1, not {level!r}")
        old = self.get(exercise)
        self._levels[exercise] = level
        now = utc_now()
        self._changed[exercise] = now
        if self.db is None:
            return False

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO levels (exercise, level, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT(exercise) DO UPDATE SET level=excluded.level, "
                "changed_at=excluded.changed_at",
                (exercise, level, now),
            )
            conn.execute(
                "INSERT INTO level_changes (exercise, old_level, new_level, changed_at, "
                "reason) VALUES (?, ?, ?, ?, ?)",
                (exercise, old, level, now, reason),
            )

        def failed(why: str) -> None:
            self.why_not_saved = f"saving levels failed ({why})"

        try:
            writer = self.db.writer
        except HistoryUnavailable as exc:
            self.why_not_saved = str(exc)
            return False
        notices = Notices(on_notice) if on_notice is not None else None
        return writer.submit(write, f"{exercise} at level {level}", notices, on_failed=failed)

    def changes(self, exercise: str | None = None) -> list[LevelChange]:
        if self.db is None:
            return []
        sql = "SELECT exercise, old_level, new_level, changed_at, reason FROM level_changes"
        params: tuple[object, ...] = ()
        if exercise:
            sql += " WHERE exercise = ?"
            params = (exercise,)
        return [
            LevelChange(str(e), int(o), int(n), str(t), str(r))
            for e, o, n, t, r in self.db.query(sql + " ORDER BY changed_at, id", params)
        ]

    def suggestions(self, catalog: Mapping[str, Exercise]) -> list[Suggestion]:
        """What the rule proposes now, at most one per exercise; nothing is applied."""
        if self.db is None:
            return []
        out: list[Suggestion] = []
        now = self._now()
        window_start = (now - UP_WINDOW).replace(microsecond=0).isoformat()
        for exercise_id, exercise in catalog.items():
            level = min(self.get(exercise_id), len(exercise.levels)) or 1
            since = self._changed.get(exercise_id, "")
            try:
                rows = self.db.query(
                    "SELECT s.status, s.effort, e.sets_done >= e.sets_planned, s.started_at "
                    "FROM session_exercises e JOIN sessions s ON s.id = e.session_id "
                    "WHERE e.exercise = ? AND e.level = ? AND s.started_at >= ? "
                    "ORDER BY s.started_at DESC, s.id DESC",
                    (exercise_id, level, since),
                )
            except sqlite3.Error:
                return out
            rated = [effort for _s, effort, _d, _t in rows if effort is not None]
            if (
                level > 1
                and len(rated) >= DOWN_AFTER_HARD
                and all(e == HARD for e in rated[:DOWN_AFTER_HARD])
            ):
                out.append(
                    Suggestion(
                        exercise_id,
                        level,
                        level - 1,
                        f"Your last {DOWN_AFTER_HARD} rated sessions with {exercise.name} "
                        "were hard. One level down keeps the form clean.",
                    )
                )
                continue
            recent = [r for r in rows if str(r[3]) >= window_start]
            done = [r for r in recent if r[0] == "completed" and r[2]]
            hard = any(r[1] == HARD for r in recent)
            if level < len(exercise.levels) and len(done) >= UP_AFTER_SESSIONS and not hard:
                out.append(
                    Suggestion(
                        exercise_id,
                        level,
                        level + 1,
                        f"{len(done)} full sessions of {exercise.name} at level {level} "
                        f"in the last {UP_WINDOW.days} days, none hard. Ready for "
                        f"{exercise.level(level + 1).name}.",
                    )
                )
        return out
