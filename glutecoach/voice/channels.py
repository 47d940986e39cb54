"""Sounds and notices that reach the user's own terminal, even over SSH.

BEL makes the terminal beep or flash; OSC 9 (iTerm2, WezTerm, kitty, Windows Terminal) and
OSC 777 (VTE terminals, foot, Ghostty) raise a desktop notification on the machine the
person is sitting at, wherever glutecoach runs.
"""

from __future__ import annotations

import re

BEL = "\a"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """No control characters: a routine's text must never become a terminal command."""
    return " ".join(_UNSAFE.sub(" ", text).split())


def notification(title: str, body: str) -> str:
    title = clean(title).replace(";", ",")
    body = clean(body)
    return f"\x1b]9;{title}: {body}\x1b\\" + f"\x1b]777;notify;{title};{body}\x1b\\"
