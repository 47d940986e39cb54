"""Breaks beside the workouts on the History screen (a line, only once there are any)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Static

from glutecoach.remind.log import BreakLog
from glutecoach.remind.schedule import Instant, Nudge, Resolved
from glutecoach.screens.history import HistoryScreen
from glutecoach.store import Store, open_store


class HistoryApp(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen())


def breaks_shown(store: Store) -> tuple[bool, str]:
    seen: list[Any] = []

    async def run() -> None:
        app = HistoryApp(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            widget = app.screen.query_one("#breaks", Static)
            seen.append((widget.display, str(widget.render())))

    asyncio.run(run())
    return seen[0]


def test_history_shows_breaks_per_day_once_there_are_some(isolated_home: Path) -> None:
    store = open_store()
    try:
        assert breaks_shown(store) == (False, "")
        log = BreakLog(store.history.db, lambda text: None)
        now = Instant(time.monotonic(), time.time())
        nudge = Nudge(now, 45 * 60)
        for outcome in ("snoozed", "taken", "skipped"):
            log.record(Resolved(nudge, outcome, now), "stretch-break")
        shown, text = breaks_shown(store)
        assert shown
        assert text == "Desk breaks: today 1 taken of 3 nudges · last 7 days 1 taken of 3 nudges"
    finally:
        store.close()
