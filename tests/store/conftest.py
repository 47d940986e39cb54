"""Shared pieces for the store tests: an isolated home and a store opened on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from glutecoach.store import Store, open_store

STORE_TESTS = Path(__file__).resolve().parent


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


def run_python(
    code: str, home: Path, *, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``GLUTECOACH_HOME=home`` (as nobody if asked
    and we are root), from the repository root so ``tests.store`` helpers import."""
    cmd = [sys.executable, "-c", code]
    if unprivileged and os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONPATH": str(STORE_TESTS)}
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
