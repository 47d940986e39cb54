"""What glutecoach remembers: paths, settings, levels, history. No Textual, no pyttsx3.

``open_store()`` is the one door. It never raises for something the user caused (a broken
settings file, a damaged or newer database, a read-only folder): each becomes a notice and
the part concerned falls back, so the coach can always run a workout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from glutecoach.store import paths
from glutecoach.store.db import Database, open_database
from glutecoach.store.history import History, NoHistory
from glutecoach.store.levels import LevelStore, Suggestion
from glutecoach.store.settings import Settings, SettingsError, SettingsStore
from glutecoach.store.writer import DRAIN_SECONDS

if TYPE_CHECKING:
    from glutecoach.store.queries import SessionRow
    from glutecoach.store.recording import SessionRecord
else:  # imported on first use: the app's first frame needs neither (``store.history``)

    def __getattr__(name: str) -> object:
        if name in ("SessionRecord", "SessionRow"):
            from glutecoach.store import history

            return getattr(history, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "History",
    "LevelStore",
    "NoHistory",
    "SessionRecord",
    "SessionRow",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "Store",
    "Suggestion",
    "open_store",
]


@dataclass
class Store:
    settings: SettingsStore
    history: History
    levels: LevelStore
    notices: list[str] = field(default_factory=list)
    _db: Database | None = None
    _read_only: Database | None = None

    def close(self, drain: float = DRAIN_SECONDS) -> list[str]:
        """Write what is still queued (waiting at most ``drain`` s), then close.

        Returns what could not be written (each already said once to whoever queued it).
        """
        lost: list[str] = []
        for db in (self._db, self._read_only):
            if db is not None:
                lost.extend(db.close(drain))
        self._db = self._read_only = None
        self.history.db = None
        self.levels.db = None
        return lost


def open_store(
    config_file: Path | None = None,
    history_file: Path | None = None,
    *,
    history: bool = True,
    create: bool = True,
) -> Store:
    """Load settings, open history (closing sessions a crash left open) and levels.

    ``history=False`` skips the database entirely (for commands that only read settings).
    ``create=False`` is for commands that only read (``routines``, ``plan``, ``levels``,
    ``history``): when there is no history file yet nothing is created; levels are all 1,
    history is empty, ``history.enabled`` is False and ``history.why_disabled`` is empty.
    An existing file is opened as usual (upgraded, or moved aside when damaged).
    """
    notices: list[str] = []
    settings = SettingsStore(config_file if config_file is not None else paths.config_file())
    notices.extend(settings.notices)
    db: Database | None = None
    read_only: Database | None = None
    why = "history was not opened for this command"
    path = history_file if history_file is not None else paths.history_file()
    if history and not create:
        try:
            missing = not path.exists()
        except OSError:  # a path too long to look at: open_database gives the reason
            missing = False
        if missing:
            history, why = False, ""
    if history:
        result = open_database(path)
        notices.extend(result.notices or [])
        db, why, read_only = result.db, result.why_disabled, result.read_only
        if db is None:
            notices.append(f"History is off: {why}")
        else:
            db.on_notice = notices.append
    hist = History(db, why, on_notice=notices.append)
    hist.close_stale()
    levels = LevelStore(db, why, read_from=read_only)
    return Store(settings, hist, levels, notices, db, read_only)
