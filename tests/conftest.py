"""Every test runs with its own GLUTECOACH_HOME, never the developer's real config or data."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GLUTECOACH_HOME", str(home))
    monkeypatch.delenv("GLUTECOACH_RELAY", raising=False)
    monkeypatch.delenv("GLUTECOACH_RELAY_TOKEN", raising=False)
    # The suite speaks with espeak-ng as before (its timings are espeak's); the natural voice's
    # tests (tests/voice/test_voice_natural.py, tests/ear/test_ear_natural.py) clear this.
    monkeypatch.setenv("GLUTECOACH_NATURAL", "0")
    return home
