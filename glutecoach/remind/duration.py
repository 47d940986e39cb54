"""Durations as people write them: ``45m``, ``90s``, ``1h30m``."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+)([hms])")
_WHOLE = re.compile(r"(?:\d+[hms])+")
_UNIT = {"h": 3600, "m": 60, "s": 1}


class DurationError(ValueError):
    """Not a duration; ``str()`` says what would be one."""


def parse_duration(text: str) -> int:
    """Whole seconds in ``text``: each unit once, largest first (``1h30m``, not ``30m1h``)."""
    raw = text.strip().lower().replace(" ", "")
    if not raw or not _WHOLE.fullmatch(raw):
        raise DurationError(
            f"{text!r} is not a duration; write it like 45m, 90s or 1h30m (h, m, s)"
        )
    parts = _PART.findall(raw)
    units = [unit for _n, unit in parts]
    if units != sorted(set(units), key="hms".index):
        raise DurationError(
            f"{text!r} is not a duration; give each unit once, largest first, like 1h30m"
        )
    seconds = sum(int(n) * _UNIT[unit] for n, unit in parts)
    if seconds <= 0:
        raise DurationError(f"{text!r} is no time at all; give at least 1s")
    return seconds


def format_duration(seconds: float) -> str:
    """The short form ``parse_duration`` reads back: ``2700`` -> ``45m``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    text += f"{secs}s" if secs or not text else ""
    return text


def minutes_left(seconds: float) -> str:
    """For a screen that repaints once a minute: ``23 min``, ``1 h 05 min``, ``<1 min``."""
    if seconds < 60:
        return "<1 min" if seconds > 0 else "0 min"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
