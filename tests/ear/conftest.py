"""The ear test's sound server: a private PulseAudio with a null sink, one per test session.

Without one the ear tests skip, unless GLUTECOACH_REQUIRE_VOICE is set (CI): then they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from ear_support import (
    SoundServer,
    pipewire_server,
    sound_server,
    why_no_pipewire,
    why_no_sound_server,
)


@pytest.fixture(autouse=True)
def _voice_gate(request: pytest.FixtureRequest) -> None:
    """Tests marked ``voice`` need the speech engine: skip without one, unless CI asks."""
    if request.node.get_closest_marker("voice") is None:
        return
    from glutecoach.voice import engine

    if engine.locate().ok:
        return
    if os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
        pytest.fail("GLUTECOACH_REQUIRE_VOICE is set but no speech engine was found")
    pytest.skip("no speech engine found (set GLUTECOACH_REQUIRE_VOICE=1 to make this fail)")


@pytest.fixture(scope="session")
def sink() -> Iterator[SoundServer]:
    why = why_no_sound_server()
    if why:
        if os.environ.get("GLUTECOACH_REQUIRE_VOICE"):
            pytest.fail(f"GLUTECOACH_REQUIRE_VOICE is set but there is {why}")
        pytest.skip(f"{why}; set GLUTECOACH_REQUIRE_VOICE=1 to make this fail")
    with sound_server() as server:
        yield server


@pytest.fixture(scope="session")
def pw_sink() -> Iterator[SoundServer]:
    """A private PipeWire server for pw-play: "where present", so this one skips without
    PipeWire even in CI (the PulseAudio sink above covers paplay and miniaudio there)."""
    why = why_no_pipewire()
    if why:
        pytest.skip(why)
    with pipewire_server() as server:
        yield server
