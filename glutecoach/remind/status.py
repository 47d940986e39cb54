"""A running reminder's state, published for the app: "next break in 23 min".

``glutecoach remind`` writes ``remind.json`` in the data folder when its schedule changes
(a nudge, a snooze, a break; not every minute) and removes it when it quits. The app reads
it when it wants to show the line; a file left by a reminder that was killed is ignored
because its process is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glutecoach.remind.duration import minutes_left
from glutecoach.store import paths

FILE_NAME = "remind.json"


def status_file() -> Path:
    return paths.data_dir() / FILE_NAME


class Publisher:
    """Writes the state only when it differs from what was last written."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or status_file()
        self._last: dict[str, Any] | None = None
        self.writes = 0

    def publish(self, phase: str, next_due_wall: float | None) -> None:
        state = {
            "pid": os.getpid(),
            "phase": phase,
            "next_due": None if next_due_wall is None else round(next_due_wall),
        }
        if state == self._last:
            return
        self._last = state
        from glutecoach.store.settings import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(state), mode=0o600)
            self.writes += 1

    def close(self) -> None:
        if self._last is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()


def current(
    path: Path | None = None, is_alive: Callable[[int], bool] | None = None
) -> tuple[str, float | None] | None:
    """(phase, next nudge as a wall-clock time) of a running reminder; None when none runs."""
    try:
        state = json.loads((path or status_file()).read_text(encoding="utf-8"))
        pid = int(state["pid"])
        phase = str(state["phase"])
        due = state.get("next_due")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if is_alive is None:
        from glutecoach.platform import pid_alive

        is_alive = pid_alive
    if not is_alive(pid):
        return None
    return phase, float(due) if isinstance(due, int | float) else None


def describe(
    path: Path | None = None,
    is_alive: Callable[[int], bool] | None = None,
    now: float | None = None,
) -> str:
    """ "next break in 23 min", "time for a break", "" when no reminder runs."""
    found = current(path, is_alive)
    if found is None:
        return ""
    phase, due = found
    if phase == "nudging":
        return "time for a break"
    if phase == "waiting" and due is not None:
        left = due - (time.time() if now is None else now)
        return f"next break in {minutes_left(max(0.0, left))}"
    return ""
