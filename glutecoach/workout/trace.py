"""A record of what a run told its voice and when, for measuring it (the ear test and bench).

Set ``GLUTECOACH_CUE_LOG`` to a file's path and every run appends JSON lines to it: one
``{"ev": "start", "clock", "measured", "lines", "plan"}`` when the clock starts (the plan as
laid out, ``glutecoach plan --json``'s shape), then ``{"ev": "cue", "due", "text", "kind",
"step"}`` for each cue handed to the voice, ``due`` on the run's clock (the monotonic clock
unless a test injects one). Each line is one ``os.write`` to a file opened for appending: no
lock and no wait on the disk on the clock's path. Unset, nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

from glutecoach.engine.model import Cue

CUE_LOG_ENV = "GLUTECOACH_CUE_LOG"


class CueTrace:
    def __init__(self, path: str) -> None:
        self._fd: int | None = None
        with contextlib.suppress(OSError):
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    @classmethod
    def from_env(cls) -> CueTrace | None:
        path = os.environ.get(CUE_LOG_ENV, "").strip()
        return cls(path) if path else None

    def _write(self, record: dict[str, Any]) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.write(self._fd, (json.dumps(record) + "\n").encode())

    def started(self, clock: float, plan: dict[str, Any], measured: int, lines: int) -> None:
        self._write(
            {"ev": "start", "clock": clock, "measured": measured, "lines": lines, "plan": plan}
        )

    def cue(self, cue: Cue, due: float, step: int) -> None:
        self._write(
            {"ev": "cue", "due": due, "text": cue.text, "kind": str(cue.kind), "step": step}
        )

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
