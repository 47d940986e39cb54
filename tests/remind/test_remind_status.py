"""A running reminder tells the app when the next break is due (``remind.json``)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from glutecoach.remind.status import Publisher, describe, status_file


def test_the_state_is_written_only_when_it_changes_and_removed_at_the_end(
    isolated_home: Path,
) -> None:
    publisher = Publisher()
    due = time.time() + 23 * 60 + 30
    for _ in range(5):
        publisher.publish("waiting", due)
    assert publisher.writes == 1
    assert json.loads(status_file().read_text())["pid"] == os.getpid()
    assert describe() == "next break in 23 min"
    publisher.publish("nudging", None)
    assert publisher.writes == 2
    assert describe() == "time for a break"
    publisher.close()
    assert not status_file().exists()
    assert describe() == ""


def test_a_file_left_by_a_killed_reminder_says_nothing(isolated_home: Path) -> None:
    Publisher().publish("waiting", time.time() + 600)
    assert describe(is_alive=lambda pid: False) == ""
    status_file().write_text("{not json")
    assert describe() == ""


def test_the_routine_list_shows_the_next_break(isolated_home: Path) -> None:
    from glutecoach.app import GlutecoachApp
    from glutecoach.store import open_store
    from glutecoach.voice import RecordingVoice

    Publisher().publish("waiting", time.time() + 23 * 60 + 30)
    store = open_store()
    headings: list[str] = []

    async def run() -> None:
        app = GlutecoachApp(
            store,
            voice_mode="captions",
            voice_factory=lambda mode, settings, **_: RecordingVoice(mode, settings),
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            headings.append(app.screen.query_one("#heading").text)

    try:
        asyncio.run(run())
    finally:
        store.close()
    assert headings == ["Routines · next break in 23 min"]
