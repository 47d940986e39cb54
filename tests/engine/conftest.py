"""Engine test fixtures. Every test already has its own GLUTECOACH_HOME (tests/conftest.py)."""

from __future__ import annotations

import pytest
from engine_support import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
