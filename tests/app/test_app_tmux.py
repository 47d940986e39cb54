"""The installed ``glutecoach`` in a real terminal (tmux), through a whole short routine.

Reads the screen the way a person would see it (``tmux capture-pane``). tmux is required:
CI installs it, so this test fails rather than skips when it is missing.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import QUICK_ROUTINE

_STARTED = itertools.count()


class Tmux:
    def __init__(self, socket: str, name: str) -> None:
        self.base = ["tmux", "-L", socket]
        self.name = name

    def run(self, *args: str, check: bool = False) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@contextlib.contextmanager
def app_in_tmux(
    home: Path, name: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[Tmux]:
    """The installed ``glutecoach ARGS`` in an 80x24 tmux session of its own, with the quick
    routine and captions only in ``home`` (and ``env`` set too); the session is killed
    afterwards."""
    assert shutil.which("tmux"), "tmux is needed for this test (CI installs it)"
    exe = Path(sys.executable).parent / "glutecoach"
    assert exe.exists(), f"the installed command is missing: {exe}"
    (home / "routines").mkdir(exist_ok=True)
    (home / "routines" / "quick.toml").write_text(QUICK_ROUTINE, encoding="utf-8")
    (home / "config.toml").write_text('voice = "captions"\n', encoding="utf-8")
    # A socket of its own each time: a new session on the socket of one just killed can
    # reach that server while it exits ("server exited unexpectedly"), and then the test
    # waited 30 s on a terminal that never started.
    session = Tmux(f"gc-{name}-test-{os.getpid()}-{next(_STARTED)}", name)
    command = " ".join(
        [f"env GLUTECOACH_HOME={shlex.quote(str(home))} TERM=xterm-256color"]
        + [f"{key}={shlex.quote(value)}" for key, value in (env or {}).items()]
        + [shlex.quote(part) for part in (str(exe), *args)]
    )
    session.run(
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        "80",
        "-y",
        "24",
        f"{command}; echo EXIT-STATUS=$?; sleep 30",
        check=True,
    )
    try:
        yield session
    finally:
        session.run("kill-server")


@pytest.fixture
def tmux(isolated_home: Path) -> Iterator[Tmux]:
    with app_in_tmux(isolated_home, "app") as session:
        yield session


@pytest.mark.terminal
def test_whole_routine_from_the_list_to_the_rating(tmux: Tmux, isolated_home: Path) -> None:
    tmux.wait_for("Quick test")
    for _ in range(10):  # the details on the right follow the highlighted routine
        if "About ten seconds" in tmux.screen():
            break
        tmux.keys("Down")
    tmux.wait_for("About ten seconds", timeout=2)
    tmux.keys("Enter")
    tmux.wait_for("GET READY")
    screen = tmux.wait_for("WORK")
    assert "Glute bridge, level 1: Bridge" in screen
    assert "Set 1 of 2" in screen
    tmux.keys("Space")
    paused = tmux.wait_for("PAUSED")
    if "space Resume" not in paused:  # the band and the footer can come in separate writes
        paused = tmux.wait_for("space Resume")
    assert "PAUSED" in paused and "Press Space to carry on" in paused
    time.sleep(1.5)
    assert tmux.screen() == paused, "the countdown moved while paused"
    tmux.keys("Space")
    tmux.wait_for("REST", timeout=10)
    tmux.wait_for("Runner's stretch", timeout=15)
    summary = tmux.wait_for("Done: Quick test", timeout=20)
    assert "How did that feel?" in summary
    tmux.keys("2")
    tmux.wait_for("Logged as about right")
    tmux.keys("Enter")
    tmux.wait_for("Routines")
    tmux.keys("q")
    tmux.wait_for("EXIT-STATUS=0")

    from glutecoach.store import open_store

    store = open_store()
    try:
        (session,) = store.history.sessions()
        assert session.status == "completed"
        assert session.effort == 2
    finally:
        store.close()
