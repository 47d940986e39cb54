"""Helpers for the app tests: a short user routine, a fixed clock, key-driven steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes import FakeClock as FakeClock

QUICK_ROUTINE = """\
name = "Quick test"
description = "About ten seconds, for trying things out."
lead_in = 2
transition = 2
switch = 1

[[exercise]]
id = "glute-bridge"
sets = 2
reps = 2
tempo = 1
rest = 1

[[exercise]]
id = "runners-stretch"
seconds = 1
"""


async def start_quick(pilot: Any) -> Any:
    """Pick "Quick test" in the list with the keys a user would press, and start it."""
    from glutecoach.screens.workout import WorkoutScreen

    app = pilot.app
    await pilot.pause()
    listing = app.screen.query_one("#routine-list")
    for _ in range(listing.option_count):
        option = listing.highlighted_option
        if option is not None and option.id == "quick":
            break
        await pilot.press("j")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, WorkoutScreen)
    return app.screen


async def advance(pilot: Any, clock: FakeClock, seconds: float) -> None:
    """Move the clock and let the workout screen notice, as its timer would."""
    clock.advance(seconds)
    screen = pilot.app.screen
    if hasattr(screen, "tick"):
        screen.tick()
    await pilot.pause()


async def run_quick_to_the_end(pilot: Any, clock: FakeClock) -> None:
    """Let the whole quick routine run out, a second at a time, as the timer would."""
    for _ in range(14):
        await advance(pilot, clock, 1.0)


def async_test(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test body with asyncio (no async plugin is a dependency)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def widget_text(widget: Any) -> str:
    """The text a widget actually draws, all of it (not just the part scrolled into view)."""
    from textual.geometry import Region

    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))
