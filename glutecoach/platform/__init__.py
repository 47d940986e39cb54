"""Every difference between Linux, macOS and Windows, each behind one small seam.

The platform is decided in one place, :func:`system`; every seam takes ``on=``
(``"windows"``, ``"macos"`` or ``"linux"``) so a test on Linux can run the macOS and
Windows branches with stand-ins (a stand-in ``msvcrt``, a stand-in ``kernel32``, a
recorded ``taskkill``). No module here imports a
POSIX-only or Windows-only module at the top: each branch imports what it needs inside.

- :func:`keys`: single keys from the terminal (termios on POSIX, msvcrt on Windows).
- :func:`new_process_group`, :func:`stop_tree`: start a child in its own group and stop
  it with all of its children (process group on POSIX, ``taskkill /T /F`` on Windows).
- :func:`pid_alive`: is that process still running (zombies count as gone).
- :func:`detect_output`: is there a real audio output, found by looking.
- :func:`make_private`, :func:`split_command`: file modes and command lines.
"""

from __future__ import annotations

from glutecoach.platform.files import make_private, split_command
from glutecoach.platform.keyboard import KeyReader, keys
from glutecoach.platform.output import OutputInfo, detect_output
from glutecoach.platform.process import new_process_group, pid_alive, stop_tree
from glutecoach.platform.which import LINUX, MACOS, WINDOWS, system

__all__ = [
    "LINUX",
    "MACOS",
    "WINDOWS",
    "KeyReader",
    "OutputInfo",
    "detect_output",
    "keys",
    "make_private",
    "new_process_group",
    "pid_alive",
    "split_command",
    "stop_tree",
    "system",
]
