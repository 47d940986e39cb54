"""Single keys from the terminal, without echo: termios/tty/select on POSIX, msvcrt on
Windows. ``read(timeout)`` waits at most ``timeout`` seconds for one key."""

from __future__ import annotations

import contextlib
import os
import time
from types import ModuleType
from typing import IO, Any, Protocol

from glutecoach.platform.which import WINDOWS, system

POLL = 0.02  # Windows: how often the console is looked at while waiting for a key


class KeyReader(Protocol):
    def read(self, timeout: float) -> str | None:
        """One key, "q" when the input ended, None when ``timeout`` passed without one."""

    def close(self) -> None:
        """Give the terminal back as it was."""


def keys(stream: IO[str], *, on: str | None = None, msvcrt: Any = None) -> KeyReader:
    """The key reader for this platform, reading the terminal behind ``stream``.

    ``on`` and ``msvcrt`` let a test on Linux run the Windows branch with a
    stand-in ``msvcrt`` module.
    """
    if system(on) == WINDOWS:
        return ConsoleKeys(msvcrt)
    return TerminalKeys(stream)


class TerminalKeys:
    """POSIX: the terminal in cbreak mode (keys at once, no echo; Ctrl-C still interrupts)."""

    def __init__(self, stream: IO[str] | int) -> None:
        import termios

        self.fd = stream if isinstance(stream, int) else stream.fileno()
        self._saved = termios.tcgetattr(self.fd)
        self.resume()

    def resume(self) -> None:
        """Keys at once again, after ``close`` lent the terminal to another program."""
        import tty

        tty.setcbreak(self.fd)

    def read(self, timeout: float) -> str | None:
        import select

        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        data = os.read(self.fd, 16)
        return data.decode("utf-8", "replace")[:1] if data else "q"

    def close(self) -> None:
        import termios

        with contextlib.suppress(Exception):
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)


class ConsoleKeys:
    """Windows: the console's key buffer through ``msvcrt`` (never echoed; nothing to
    restore). Waiting polls every 20 ms and never sleeps past the timeout, so a cue that
    is due is not made late by the wait."""

    def __init__(self, msvcrt: ModuleType | Any = None) -> None:
        if msvcrt is None:
            import msvcrt as real  # type: ignore[import-not-found,unused-ignore]

            msvcrt = real
        self._m = msvcrt

    def read(self, timeout: float) -> str | None:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            if self._m.kbhit():
                key = str(self._m.getwch())
                if key in ("\x00", "\xe0"):  # arrows and function keys: a second code follows
                    self._m.getwch()
                    return None
                if key == "\x03":
                    raise KeyboardInterrupt  # as Ctrl-C does in a POSIX terminal
                if key == "\x1a":  # Ctrl-Z, the console's end of input
                    return "q"
                return key
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            time.sleep(min(POLL, left))

    def close(self) -> None:
        pass
