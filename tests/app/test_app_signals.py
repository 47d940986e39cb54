"""SIGTERM and SIGHUP to the app in a real terminal (tmux): it exits cleanly, the terminal is
given back (no alternate screen, no mouse reporting) and the workout is saved as partial."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app_tmux import Tmux, app_in_tmux


@pytest.fixture
def tmux(isolated_home: Path) -> Iterator[Tmux]:
    with app_in_tmux(isolated_home, "sig", "run", "quick") as session:
        yield session


def _app_pid(tmux: Tmux) -> int:
    shell = int(tmux.run("display", "-p", "-t", "sig", "#{pane_pid}").strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{shell}/task").iterdir():
            children = (task / "children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.1)
    raise AssertionError("the app process never started")


def _flag(tmux: Tmux, name: str) -> str:
    return tmux.run("display", "-p", "-t", "sig", f"#{{{name}}}").strip()


@pytest.mark.terminal
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_ends_the_app_cleanly_and_saves_the_workout(
    tmux: Tmux, isolated_home: Path, signum: int
) -> None:
    tmux.wait_for("WORK", timeout=30)
    assert _flag(tmux, "alternate_on") == "1" and _flag(tmux, "mouse_any_flag") == "1"
    os.kill(_app_pid(tmux), signum)
    tmux.wait_for(f"EXIT-STATUS={128 + signum}", timeout=15)
    assert _flag(tmux, "alternate_on") == "0", "the alternate screen was left on"
    assert _flag(tmux, "mouse_any_flag") == "0", "mouse reporting was left on"
    assert "Traceback" not in tmux.screen()

    from glutecoach.store import open_store

    store = open_store()
    try:
        (session,) = store.history.sessions()
        assert session.status == "partial"
    finally:
        store.close()
