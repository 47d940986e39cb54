"""Compacted output shows the same screen as Textual's own, in a real terminal, every frame.

The real app runs a workout in tmux with its output uncompacted, and every write Textual
makes is recorded (``recording_driver``). Those writes, and the same writes through an
:class:`OutputCompactor`, are then played into two tmux windows of the same size one write
at a time; after each, both windows must hold the same characters with the same colours
and attributes (``capture-pane -e``) and the same cursor.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_app_tmux import Tmux, app_in_tmux

from glutecoach.terminal_output import RAW_ENV, OutputCompactor

HERE = Path(__file__).resolve().parent

# Writes the frames of a JSON list one at a time, each when a line arrives on the control
# FIFO, then sets the window title to the frame's number so the test knows tmux has it.
REPLAY = """\
import json, sys, termios
attrs = termios.tcgetattr(0)
attrs[3] &= ~(termios.ECHO | termios.ICANON)  # answers to Textual's queries stay unseen
termios.tcsetattr(0, termios.TCSANOW, attrs)
frames = json.load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], encoding="utf-8") as control:
    for number, frame in enumerate(frames):
        control.readline()
        sys.stdout.write(frame + f"\\x1b]2;frame-{number}\\x07")
        sys.stdout.flush()
input()
"""


def record_workout(home: Path, log: Path) -> list[str]:
    """Textual's own writes while a workout runs: lead-in, work, pause, resume, a rest."""
    env = {
        RAW_ENV: "1",
        "COLORTERM": "truecolor",
        "TEXTUAL_DRIVER": "recording_driver:RecordingDriver",
        "PYTHONPATH": str(HERE),
        "GLUTECOACH_RECORD_WRITES": str(log),
    }
    with app_in_tmux(home, "rec", "run", "quick", env=env) as app:
        app.wait_for("WORK")
        app.keys("Space")
        app.wait_for("space Resume")
        app.keys("Space")
        app.wait_for("REST", timeout=10)
        time.sleep(1.2)
        app.keys("C-q")
        app.wait_for("EXIT-STATUS=0")
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


class Replay:
    def __init__(self, tmux: Tmux, window: str, frames: list[str], workdir: Path) -> None:
        self.tmux = tmux
        self.window = window
        self.control = workdir / f"{window}.fifo"
        os.mkfifo(self.control)
        source = workdir / f"{window}.json"
        source.write_text(json.dumps(frames), encoding="utf-8")
        script = workdir / "replay.py"
        script.write_text(REPLAY, encoding="utf-8")
        tmux.run(
            "new-window", "-d", "-n", window, f"{sys.executable} {script} {source} {self.control}"
        )
        self.pipe = open(self.control, "w", encoding="utf-8")  # noqa: SIM115 (closed in close)

    def next(self) -> None:
        self.pipe.write("\n")
        self.pipe.flush()

    def wait(self, number: int) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.tmux.run("display", "-p", "-t", self.window, "#{pane_title}").strip() == (
                f"frame-{number}"
            ):
                return
            time.sleep(0.005)
        raise AssertionError(f"{self.window} never showed frame {number}")

    def screen(self) -> tuple[str, str]:
        cells = self.tmux.run("capture-pane", "-p", "-e", "-N", "-t", self.window)
        cursor = self.tmux.run("display", "-p", "-t", self.window, "#{cursor_x},#{cursor_y}")
        return cells, cursor

    def close(self) -> None:
        self.pipe.close()


@dataclass
class Replayed:
    raw: list[str]  # Textual's own writes
    compacted: list[str]  # the same through an OutputCompactor
    raw_screens: list[tuple[str, str]]  # (cells, cursor) after each raw write
    compact_screens: list[tuple[str, str]]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    """One recorded workout, played raw and compacted into two tmux windows."""
    workdir = tmp_path_factory.mktemp("replay")
    home = workdir / "home"
    home.mkdir()
    raw = record_workout(home, workdir / "writes.jsonl")
    assert len(raw) > 20, "too few frames recorded to compare"
    compactor = OutputCompactor()
    compacted = [compactor.feed(write) for write in raw]

    tmux = Tmux(f"gc-replay-test-{os.getpid()}", "replay")
    tmux.run("new-session", "-d", "-s", "replay", "-x", "80", "-y", "24", "sleep 600")
    windows = [
        Replay(tmux, "raw", raw, workdir),
        Replay(tmux, "compact", compacted, workdir),
    ]
    screens: tuple[list[tuple[str, str]], list[tuple[str, str]]] = ([], [])
    try:
        for number in range(len(raw)):
            for window in windows:
                window.next()
            for window, seen in zip(windows, screens, strict=True):
                window.wait(number)
                seen.append(window.screen())
    finally:
        for window in windows:
            window.close()
        tmux.run("kill-server")
    return Replayed(raw, compacted, *screens)


@pytest.mark.terminal
def test_compacted_output_leaves_the_terminal_as_textuals_own(replayed: Replayed) -> None:
    for number, (want, got) in enumerate(
        zip(replayed.raw_screens, replayed.compact_screens, strict=True)
    ):
        assert got == want, f"the screens differ after write {number}: {replayed.raw[number]!r}"
    raw_bytes = sum(len(w.encode()) for w in replayed.raw)
    compact_bytes = sum(len(w.encode()) for w in replayed.compacted)
    assert compact_bytes < 0.75 * raw_bytes, (raw_bytes, compact_bytes)


def _plain(cells: str) -> list[str]:
    return re.sub(r"\x1b\[[0-9;:]*m", "", cells).splitlines()


@pytest.mark.terminal
def test_the_footer_says_resume_in_the_frame_that_shows_paused(replayed: Replayed) -> None:
    """Every frame the terminal showed: while the band says PAUSED, space is Resume; while it
    says WORK, space is Pause (it lagged a frame behind: Pause under a paused band)."""
    seen = {"paused": 0, "running": 0}
    for number, (cells, _) in enumerate(replayed.raw_screens):
        lines = _plain(cells)
        band, footer = lines[0], lines[-1]
        if "PAUSED" in band:
            seen["paused"] += 1
            assert "space Resume" in footer, (number, footer)
        elif band.startswith(" WORK"):
            seen["running"] += 1
            assert "space Pause" in footer, (number, footer)
    assert seen["paused"] and seen["running"], seen


def test_the_app_compacts_its_output_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    from textual.drivers.headless_driver import HeadlessDriver

    from glutecoach.app import GlutecoachApp
    from glutecoach.store import open_store
    from glutecoach.terminal_output import compacting

    class Kept(HeadlessDriver):
        def write(self, data: str) -> None:
            sent.append(data)

    sent: list[str] = []
    store = open_store()
    try:
        monkeypatch.delenv(RAW_ENV, raising=False)
        app = GlutecoachApp(store)
        assert app.driver_class.__name__ == "CompactingLinuxDriver"

        async def write() -> None:  # a driver is made on the app's event loop
            compacting(Kept)(app).write("\x1b[1;1H\x1b[1mab\x1b[0m\x1b[1mcd\x1b[0m")

        asyncio.run(write())
        assert sent == ["\x1b[1;1H\x1b[1mabcd\x1b[0m"]
        monkeypatch.setenv(RAW_ENV, "1")
        assert GlutecoachApp(store).driver_class.__name__ == "LinuxDriver"
    finally:
        store.close()
