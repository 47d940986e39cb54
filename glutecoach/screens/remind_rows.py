"""The reminder's group in Settings: the ``[remind]`` table, one field per key.

Kept beside the Settings screen so that screen gains two lines per handler, not a section.
Values go through ``store.settings.update(remind=...)``, the check the file gets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input

from glutecoach.store.remind_settings import RemindSettings
from glutecoach.widgets.line import Line
from glutecoach.widgets.toggle import Toggle

PREFIX = "remind-"


def rows(remind: RemindSettings, row: Callable[[str, Widget], ComposeResult]) -> ComposeResult:
    yield Line("Desk reminders (glutecoach remind)", classes="group")
    yield from row("Remind me every", Input(remind.interval, compact=True, id="remind-interval"))
    yield from row("Snooze for", Input(remind.snooze, compact=True, id="remind-snooze"))
    yield from row(
        "Working hours",
        Input(remind.hours, placeholder="09:00-17:30 or all day", compact=True, id="remind-hours"),
    )
    yield from row("Working days", Input(" ".join(remind.days), compact=True, id="remind-days"))
    yield from row("Break routine", Input(remind.routine, compact=True, id="remind-routine"))
    yield from row("Speak the nudge", Toggle("", remind.speak, id="remind-speak", compact=True))


def owns(field: str) -> bool:
    return field.startswith(PREFIX)


def changed(remind: RemindSettings, field: str, value: Any) -> RemindSettings:
    """``remind`` with one field's new value (checked when it is saved)."""
    key = field.removeprefix(PREFIX)
    if key == "days":
        value = [d for d in re.split(r"[\s,]+", str(value)) if d]
    return replace(remind, **{key: value})
