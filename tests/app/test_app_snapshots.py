"""Pictures of every screen at 80x24 and 40x12, dark and light, from a fixed clock.

Update after a deliberate change with ``pytest tests/app/test_app_snapshots.py --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from app_helpers import advance, run_quick_to_the_end, start_quick

SIZES = {"80x24": (80, 24), "40x12": (40, 12)}
THEMES = {"dark": "glutecoach-dark", "light": "glutecoach-light"}


async def on_routines(pilot: Any, clock: Any) -> None:
    await pilot.pause()


async def on_workout(pilot: Any, clock: Any) -> None:
    await start_quick(pilot)
    await advance(pilot, clock, 3.4)


async def on_paused(pilot: Any, clock: Any) -> None:
    await on_workout(pilot, clock)
    await pilot.press("space")
    await pilot.pause()


async def on_summary(pilot: Any, clock: Any) -> None:
    await start_quick(pilot)
    await run_quick_to_the_end(pilot, clock)
    await pilot.press("2")
    await pilot.pause()


async def on_help(pilot: Any, clock: Any) -> None:
    await on_workout(pilot, clock)
    await pilot.press("f1")
    await pilot.pause()


async def on_settings(pilot: Any, clock: Any) -> None:
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()


async def on_editor(pilot: Any, clock: Any) -> None:
    """The editor on a copy of the first routine in the list (Desk reset)."""
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # a blinking cursor would make the picture a coin toss
    await pilot.pause()


SCREENS: dict[str, Callable[[Any, Any], Awaitable[None]]] = {
    "routines": on_routines,
    "workout": on_workout,
    "paused": on_paused,
    "summary": on_summary,
    "help": on_help,
    "settings": on_settings,
    "editor": on_editor,
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_snapshot(
    snap_compare: Any, make_app: Any, clock: Any, screen: str, size: str, theme: str
) -> None:
    app = make_app(theme=THEMES[theme])

    async def run_before(pilot: Any) -> None:
        await SCREENS[screen](pilot, clock)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_no_color_workout_snapshot(
    snap_compare: Any, make_app: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await on_paused(pilot, clock)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sixteen_colour_workout_snapshot(
    snap_compare: Any, make_app: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(theme="glutecoach-terminal")

    async def run_before(pilot: Any) -> None:
        await on_workout(pilot, clock)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
