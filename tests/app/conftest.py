"""Shared set-up for the app tests: a fixed clock, a short user routine, a recording voice.

Every app is built by ``make_app`` so Pilot and snapshot tests see the same thing: an
isolated GLUTECOACH_HOME (from the root conftest), the real store, captions voice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import QUICK_ROUTINE, FakeClock


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
