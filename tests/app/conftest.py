"""Shared set-up for the app tests: a fixed clock, a short user routine, a recording voice.

Every app is built by ``make_app`` so Pilot and snapshot tests see the same thing: an
isolated GLUTECOACH_HOME (from the root conftest), the real store, captions voice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

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


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def home(isolated_home: Path) -> Path:
    routines = isolated_home / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    (routines / "quick.toml").write_text(QUICK_ROUTINE, encoding="utf-8")
    return isolated_home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def voices() -> list[Any]:
    return []


@pytest.fixture
def make_app(
    home: Path, clock: FakeClock, voices: list[Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Any]]:
    # The same colours whatever terminal runs the tests; 16-colour and NO_COLOR have own tests.
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    from glutecoach.app import GlutecoachApp
    from glutecoach.store import open_store
    from glutecoach.voice import RecordingVoice

    stores: list[Any] = []

    def voice_factory(mode: str, settings: Any, **_: Any) -> Any:
        voice = RecordingVoice(mode, settings)
        voices.append(voice)
        return voice

    def factory(
        *, theme: str | None = None, real_voice: bool = False, **kwargs: Any
    ) -> GlutecoachApp:
        store = open_store()
        stores.append(store)
        if theme is not None:
            store.settings.update(theme=theme)
        kwargs.setdefault("voice_mode", "captions")
        chosen = None if real_voice else voice_factory
        return GlutecoachApp(store, clock=clock, voice_factory=chosen, **kwargs)

    yield factory
    for store in stores:
        store.close()


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
