"""The one place that decides which platform this is."""

from __future__ import annotations

import sys

LINUX = "linux"  # and every other POSIX system that is not macOS
MACOS = "macos"
WINDOWS = "windows"


def system(name: str | None = None) -> str:
    """``linux``, ``macos`` or ``windows``: for ``name`` (a ``sys.platform`` value, or one
    of these three, as tests pass it) or else for this machine."""
    raw = sys.platform if name is None else name
    if raw in (LINUX, MACOS, WINDOWS):
        return raw
    if raw == "darwin":
        return MACOS
    if raw.startswith("win"):  # cygwin is POSIX: it has termios and signals
        return WINDOWS
    return LINUX
