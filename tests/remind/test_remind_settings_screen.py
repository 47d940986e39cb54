"""The reminder's group in the Settings screen, driven with Pilot on the real app."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from typing import Any

from textual.widgets import Input

from glutecoach.store.remind_settings import RemindSettings


def make_app() -> Any:
    from glutecoach.app import GlutecoachApp
    from glutecoach.store import open_store
    from glutecoach.voice import RecordingVoice

    store = open_store()
    return GlutecoachApp(
        store,
        voice_mode="captions",
        voice_factory=lambda mode, settings, **_: RecordingVoice(mode, settings),
    )


def test_remind_fields_are_checked_saved_and_shown(isolated_home: Path) -> None:
    async def run() -> None:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("s")
            screen = app.screen
            interval = screen.query_one("#remind-interval", Input)
            assert interval.value == "45m"
            interval.focus()
            interval.value = "25m"
            await pilot.press("enter")
            assert app.store.settings.value.remind.interval == "25m"
            days = screen.query_one("#remind-days", Input)
            days.focus()
            days.value = "mon, wed fri"
            await pilot.press("enter")
            assert app.store.settings.value.remind.days == ["mon", "wed", "fri"]
            hours = screen.query_one("#remind-hours", Input)
            hours.focus()
            hours.value = "nine to five"
            await pilot.press("enter")
            assert app.store.settings.value.remind.hours == RemindSettings().hours
            assert 'remind: hours: must be "HH:MM-HH:MM"' in screen.query_one("#problem").text
        app.store.close()

    asyncio.run(run())
    saved = tomllib.loads((isolated_home / "config.toml").read_text())
    assert saved["remind"]["interval"] == "25m"
    assert saved["remind"]["days"] == ["mon", "wed", "fri"]
