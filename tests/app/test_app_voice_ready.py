"""The workout screen while a voice on an empty phrase cache renders its first lines: it says
it is getting the voice ready, and the countdown starts once the voice is ready."""

from __future__ import annotations

from typing import Any

from app_helpers import advance, async_test, start_quick

from glutecoach.screens.workout import WorkoutScreen
from glutecoach.voice.recording import RecordingVoice
from glutecoach.widgets.line import Line
from glutecoach.workout.replan import FIRST_WAIT, SLOW_AFTER


def text(screen: WorkoutScreen, selector: str) -> str:
    return screen.query_one(selector, Line).text.strip()


@async_test
async def test_a_slow_voice_shows_getting_the_voice_ready_then_the_workout(
    make_app: Any, clock: Any
) -> None:
    takes = SLOW_AFTER + 2.0  # its first lines are rendered this long after it opened

    class Rendering(RecordingVoice):
        def __init__(self, mode: str, settings: Any) -> None:
            super().__init__("speech", settings)
            self.ready_at = clock() + takes

        def wait_ready(self, timeout: float = 0.0) -> bool:
            return clock() >= self.ready_at

    app = make_app()
    app.voice_factory = lambda mode, settings, **_: Rendering(mode, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quick(pilot)
        assert text(screen, "#phase-word") == "GETTING READY"
        await advance(pilot, clock, SLOW_AFTER + 0.1)
        assert not screen.session.started
        assert text(screen, "#phase-word") == "GETTING THE VOICE READY"
        assert f"up to {FIRST_WAIT:.0f} s" in text(screen, "#detail")
        await advance(pilot, clock, 2.0)
        assert screen.session.started
        assert text(screen, "#phase-word") == "GET READY"
