"""Keys arriving faster than screens mount (a paste over SSH) must not crash the app.

Bisecting a 5,000-key paste that crashed with ``NoMatches`` in the history and levels
screens' ``on_mount`` found the trigger: keys still queued after the one that quits
(Escape on the routine list). Each pushed a screen that never got its children, as the
app was already closing (help, settings, the editor and the workout crashed the same way).
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import pytest
from app_helpers import async_test
from textual import events


def _burst(app: Any, keys: list[str]) -> None:
    """Queue every key at once, as a terminal delivers a paste: no waiting between them."""
    driver = app._driver
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


async def _settle(pilot: Any) -> None:
    for _ in range(20):
        await pilot.pause()


async def _while_changing(pilot: Any, shown: list[str], count: int, stall: float = 10.0) -> None:
    """Wait until ``count`` screen changes were seen, failing when none came for ``stall`` s."""
    seen, since = len(shown), time.monotonic()
    while len(shown) < count:
        await asyncio.sleep(0.05)
        if len(shown) != seen:
            seen, since = len(shown), time.monotonic()
        elif time.monotonic() - since > stall:
            raise AssertionError(f"the burst stalled after {seen} of {count} screens: {shown}")


ROUNDS = 40
ONE_ROUND = ["History", "Routines", "Levels", "Routines", "Help", "Routines"]


@pytest.mark.parametrize("key", ["h", "l"])
@async_test
async def test_history_or_levels_key_queued_after_quit_exits_cleanly(
    make_app: Any, key: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _burst(app, ["h", "escape", "l", "escape"] * 20 + ["escape", key, "j", key])
        await _settle(pilot)
    assert app.return_code == 0


@async_test
async def test_history_and_levels_pushed_and_popped_in_one_burst(make_app: Any) -> None:
    app = make_app()
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen_change_signal.subscribe(
            app, lambda screen: shown.append(type(screen).__name__), immediate=True
        )
        _burst(app, ["h", "escape", "l", "j", "escape", "question_mark", "escape"] * ROUNDS)
        # Not pilot.pause(): it waits at most 30 s for everything queued, and 120 screens
        # opened and closed take longer than that on a loaded machine. A lost key shows as
        # the screens stopping short, so fail on a stall rather than on the total time.
        await _while_changing(pilot, shown, len(ONE_ROUND) * ROUNDS)
        # What typing the keys one by one does: every key acted on, in order, none lost,
        # none closing the screen below, and the app still open on the routine list.
        assert [name.removesuffix("Screen") for name in shown] == ONE_ROUND * ROUNDS
        await pilot.pause()
        assert app.return_code is None
        assert app.screen.__class__.__name__ == "RoutinesScreen"
        # Still usable afterwards: both screens open and draw.
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.query_one("#sessions").has_focus
        await pilot.press("escape", "l")
        await pilot.pause()
        assert app.screen.query_one("#ladders").children


@async_test
async def test_keys_still_in_flight_when_the_app_shuts_down_are_dropped(make_app: Any) -> None:
    # Keys bubble back from the focused widget to the app through several queues; a
    # shutdown that empties the screen stack first (here run_test's own) once crashed the
    # next one in the app's binding check with "No screens on stack".
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _burst(app, ["h", "escape", "l", "escape", "question_mark", "escape"] * 5)
        await pilot.pause()  # returns once the app has forwarded them, not acted on them
    assert app.return_code in (None, 0)


@async_test
async def test_a_close_for_a_screen_no_longer_on_top_closes_nothing(make_app: Any) -> None:
    from glutecoach.screens.help import HelpScreen
    from glutecoach.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        # History's Escape arriving late (help is on top now) must not pop help.
        await history.run_action("close")
        await pilot.pause()
        assert app.screen is help_screen
        # Each Escape then closes the screen it is pressed on, and only that one.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is history
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RoutinesScreen"
        assert app.return_code is None
        # Help's own close on a screen below does nothing either.
        await help_screen.run_action("close")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RoutinesScreen"


@async_test
async def test_random_burst_of_keys_never_crashes(make_app: Any) -> None:
    rng = random.Random(8)
    keys = ["h", "l", "escape", "question_mark", "j", "k", "down", "up", "m", "r", "x"]
    keys += ["s", "tab", "b"]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _burst(app, [rng.choice(keys) for _ in range(5000)])
        await _settle(pilot)
    assert app.return_code in (None, 0)  # still open, or quit cleanly by an Escape
