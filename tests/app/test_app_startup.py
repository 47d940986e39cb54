"""The app turns garbage collection back on, frozen, once its first frame is drawn."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from app_helpers import async_test

from glutecoach import startup


@pytest.fixture
def held() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.unfreeze()
    startup.hold_collection()  # as `glutecoach` does before importing Textual
    yield
    startup.release_collection()
    gc.unfreeze()
    if was_enabled:
        gc.enable()


@async_test
async def test_first_frame_releases_the_collector(held: None, make_app: Callable[..., Any]) -> None:
    assert not gc.isenabled()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#routine-list").option_count >= 3
        assert gc.isenabled()
        assert not startup.is_held()
        assert gc.get_freeze_count() > 0  # what start-up built is out of the collector's way


@async_test
async def test_threads_share_the_interpreter_as_usual_once_the_first_frames_are_out(
    make_app: Callable[..., Any],
) -> None:
    """`glutecoach` shortens the switch interval so Textual's writer thread sends the first
    frame at once; the app puts it back a moment after, before any warm-up thread starts."""
    import sys

    usual = sys.getswitchinterval()
    startup.hand_over_quickly()
    try:
        assert sys.getswitchinterval() == startup.FIRST_FRAME_SWITCH_INTERVAL
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert sys.getswitchinterval() == startup.FIRST_FRAME_SWITCH_INTERVAL
            await pilot.pause(0.3)
            assert sys.getswitchinterval() == usual
    finally:
        startup.hand_over_as_usual()
    assert sys.getswitchinterval() == usual
