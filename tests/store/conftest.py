"""Shared pieces for the store tests: an isolated home and a store opened on it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from glutecoach.store import Store, open_store


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GLUTECOACH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    s = open_store()
    yield s
    s.close()


@pytest.fixture
def read_only_home() -> Iterator[Path]:
    """A home folder the test's child process cannot write into, even when tests run as root
    (the child then runs as ``nobody``, and the folder is root's)."""
    base = Path(tempfile.mkdtemp(prefix="glutecoach-ro-", dir="/tmp"))
    home = base / "home"
    home.mkdir()
    os.chmod(base, 0o755)
    os.chmod(home, 0o755 if os.geteuid() == 0 else 0o555)
    try:
        yield home
    finally:
        os.chmod(home, 0o755)
        shutil.rmtree(base)
