"""File modes and command lines, which mean different things on Windows.

POSIX: private files are mode 0600 and their folders 0700. Windows has no such bits
(``os.chmod`` only sets read-only); the per-user folders glutecoach writes under
(``%APPDATA%``, ``%LOCALAPPDATA%``) are already private to the user by their ACLs, so
nothing is changed there.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from glutecoach.platform.which import WINDOWS, system


def make_private(path: Path, *, on: str | None = None) -> bool:
    """Make ``path`` (a file, or a folder) readable by its owner only; True when a mode
    was changed. A no-op on Windows."""
    if system(on) == WINDOWS:
        return False
    want = 0o700 if path.is_dir() else 0o600
    if path.stat().st_mode & 0o777 == want:
        return False
    os.chmod(path, want)
    return True


def split_command(text: str, *, on: str | None = None) -> list[str]:
    """A command line as its words: POSIX shell rules, or Windows rules (backslashes in
    paths stay, double quotes group) on Windows."""
    if system(on) != WINDOWS:
        return shlex.split(text)
    words = shlex.split(text, posix=False)
    return [w[1:-1] if len(w) >= 2 and w[0] == w[-1] == '"' else w for w in words]
