"""Web test fixtures: the relay variables the server sets are put back after each test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # browser.py, pictures.py


@pytest.fixture(autouse=True)
def restore_relay_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # serve puts its relay listener's address here for the apps it starts; record the
    # variables so the test's changes are undone.
    monkeypatch.setenv("GLUTECOACH_RELAY", "")
    monkeypatch.setenv("GLUTECOACH_RELAY_TOKEN", "")
