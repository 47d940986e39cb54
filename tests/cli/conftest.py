"""CLI test fixtures: ``home`` is this test's GLUTECOACH_HOME (set by tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def home(isolated_home: Path) -> Path:
    assert os.environ["GLUTECOACH_HOME"] == str(isolated_home)
    return isolated_home
