"""The ``[remind]`` table of ``config.toml``: when ``glutecoach remind`` nudges, and with what.

Values are kept as the person wrote them (``"45m"``, ``"09:00-17:30"``) so a rewrite of the
file reads the same; :meth:`RemindSettings.rules` turns them into the schedule's numbers.
Each key is checked on its own, so one typo falls back to its default and the rest stand.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glutecoach.engine.tomlcheck import Checker, nearest

if TYPE_CHECKING:
    from glutecoach.remind.schedule import Rules

# The same names as ``glutecoach.remind.schedule.DAY_NAMES`` (a test holds them equal): the
# schedule module is only loaded when a reminder runs, not on every start of the app.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

ALL_DAY = "all day"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
MAX_INTERVAL = 8 * 3600
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass
class RemindSettings:
    interval: str = "45m"  # sitting time before a nudge
    snooze: str = "10m"  # how long a snooze puts it off
    hours: str = ALL_DAY  # "09:00-17:30", or across midnight "22:00-06:00"
    days: list[str] = field(default_factory=lambda: list(DAY_NAMES))
    routine: str = "stretch-break"  # what a nudge offers
    speak: bool = True  # say the nudge through the voice (as well as bell and notification)

    def rules(self) -> Rules:
        from glutecoach.remind.duration import parse_duration
        from glutecoach.remind.schedule import Hours, Rules

        start, end = parse_hours(self.hours)
        days = frozenset(DAY_NAMES.index(d) for d in self.days)
        return Rules(
            interval=parse_duration(self.interval),
            snooze=parse_duration(self.snooze),
            hours=Hours(start, end, days),
        )


def parse_hours(text: str) -> tuple[int, int]:
    """``"09:00-17:30"`` -> minutes after midnight (540, 1050); ``"all day"`` -> (0, 0)."""
    if text.strip().lower() == ALL_DAY:
        return 0, 0
    match = _HOURS.match(text)
    if not match:
        raise ValueError
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 == 0:
        h2 = 0
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        raise ValueError
    return h1 * 60 + m1, h2 * 60 + m2


def _duration(v: Any, low: int, high: int) -> tuple[Any, str | None]:
    # Only a [remind] table in the file asks: not on the way to the app's first frame.
    from glutecoach.remind.duration import DurationError, parse_duration

    if isinstance(v, str):
        try:
            seconds = parse_duration(v)
        except DurationError:
            pass
        else:
            if low <= seconds <= high:
                return v.strip(), None
    return None, f'must be a time like "45m", "90s" or "1h30m", from {low}s to {high // 3600}h'


def _check_interval(v: Any) -> tuple[Any, str | None]:
    return _duration(v, 1, MAX_INTERVAL)


def _check_snooze(v: Any) -> tuple[Any, str | None]:
    return _duration(v, 1, MAX_INTERVAL)


def _check_hours(v: Any) -> tuple[Any, str | None]:
    try:
        if isinstance(v, str):
            parse_hours(v)
            return v.strip(), None
    except ValueError:
        pass
    return None, (
        f'must be "HH:MM-HH:MM" on a 24-hour clock, like "09:00-17:30" (or "22:00-06:00" '
        f'across midnight), or "{ALL_DAY}"'
    )


def _check_days(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, list) and v and all(isinstance(d, str) for d in v):
        days = [d.strip().lower()[:3] for d in v]
        wrong = [d for d, short in zip(v, days, strict=True) if short not in DAY_NAMES]
        if not wrong:
            return [d for d in DAY_NAMES if d in days], None
        near = nearest(wrong[0].strip().lower()[:3], DAY_NAMES)
        hint = f" (did you mean `{near}`?)" if near else ""
        return None, f"has {wrong[0]!r}, which is not a day{hint}; use mon, tue, ... sun"
    return None, 'must be a list of days, like ["mon", "tue", "wed", "thu", "fri"]'


def _check_routine(v: Any) -> tuple[Any, str | None]:
    if isinstance(v, str) and v.strip():
        return v.strip(), None
    return None, 'must be a routine id in quotes, like "stretch-break" (see `glutecoach routines`)'


def _check_speak(v: Any) -> tuple[Any, str | None]:
    return (v, None) if isinstance(v, bool) else (None, "must be true or false")


CHECKS = {
    "interval": _check_interval,
    "snooze": _check_snooze,
    "hours": _check_hours,
    "days": _check_days,
    "routine": _check_routine,
    "speak": _check_speak,
}
assert set(CHECKS) == {f.name for f in fields(RemindSettings)}


def validate_remind(table: dict[str, Any], check: Checker) -> RemindSettings:
    """The ``[remind]`` table checked key by key, each problem added to ``check`` (the one
    for the whole ``config.toml``) as ``remind.<key>`` with its line: a bad key falls back
    to its default and the rest stand."""
    values: dict[str, Any] = {}
    defaults = RemindSettings()
    check.known_keys(table, "remind", CHECKS)
    for key, raw in table.items():
        if key not in CHECKS:
            continue
        value, why = CHECKS[key](raw)
        if why is not None:
            default = getattr(defaults, key)
            check.add(f"remind.{key}", f"{why}; using the default ({default!r})")
            continue
        values[key] = value
    return RemindSettings(**values)


def check_remind(v: Any) -> tuple[Any, str | None]:
    """For ``SettingsStore.check(remind=...)``: the whole table, all or nothing."""
    if isinstance(v, RemindSettings):
        v = asdict(v)
    if not isinstance(v, dict):
        return None, "must be a table, written [remind] on its own line"
    check = Checker(Path("[remind]"))
    settings = validate_remind(v, check)
    if check.problems:
        # SettingsStore.check puts "remind: " in front: "remind: hours: must be ..."
        return None, "; ".join(
            f"{(p.key or '').removeprefix('remind.')}: {p.message}" for p in check.problems
        )
    return settings, None
