"""The real ``glutecoach remind`` and ``glutecoach breaks``: piped, in a recorded terminal
(``script``), and in tmux, with second-long intervals (durations accept seconds, so no
hidden time scale is needed)."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).parent / "glutecoach")
QUICK = """\
name = "Quick test"
description = "A few seconds, for trying the reminder."
lead_in = 1
transition = 1

[[exercise]]
id = "glute-bridge"
sets = 1
reps = 2
tempo = 1
"""


@pytest.fixture
def home(isolated_home: Path) -> Path:
    (isolated_home / "routines").mkdir(exist_ok=True)
    (isolated_home / "routines" / "quick.toml").write_text(QUICK, encoding="utf-8")
    (isolated_home / "config.toml").write_text(
        'voice = "captions"\n\n[remind]\nroutine = "quick"\nspeak = false\n', encoding="utf-8"
    )
    return isolated_home


def breaks(home: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(home / "history.db")
    try:
        return list(
            conn.execute("SELECT outcome, source, routine FROM breaks ORDER BY id").fetchall()
        )
    finally:
        conn.close()


def wait_for(read: object, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        seen = read()  # type: ignore[operator]
        if text in seen:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in:\n{seen}")


def read_until(proc: subprocess.Popen[str], text: str, timeout: float = 30.0) -> list[str]:
    """Lines from ``proc``'s stdout up to and including the first holding ``text``: waits on
    the output, not on a guess at how long start-up takes on a loaded machine."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if text in line:
                return lines
    raise AssertionError(f"{text!r} never came; got {lines}")


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("45 minutes", "write it like 45m, 90s or 1h30m"),
        ("-5m", "write it like 45m, 90s or 1h30m"),
        ("0s", "no time at all"),
        ("30m1h", "largest first"),
    ],
)
def test_a_duration_that_is_not_one_exits_2_saying_what_is(home: Path, bad: str, says: str) -> None:
    done = subprocess.run([EXE, "remind", f"--every={bad}"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "argument --every:" in done.stderr and says in done.stderr, done.stderr


def test_an_unknown_routine_is_refused_at_start(home: Path) -> None:
    done = subprocess.run(
        [EXE, "remind", "--plain", "--routine", "strech-break"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "stretch-break" in done.stderr  # the nearest id is suggested


def test_piped_it_prints_one_line_per_nudge_without_escapes_and_remembers(home: Path) -> None:
    proc = subprocess.Popen(
        [EXE, "remind", "--plain", "--every", "1s", "--snooze", "1s"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = read_until(proc, "Time to stand up")
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    lines = first + out.splitlines()
    assert lines[0].startswith("Reminding every 1s, snooze 1s, all day, every day")
    assert "Keys" not in lines[0]  # nobody can press them
    nudges = [line for line in lines if "Time to stand up" in line]
    assert 1 <= len(nudges) <= 2
    assert all("b:" not in line for line in nudges)
    assert "\x1b" not in out and "\a" not in out
    outcomes = [b[0] for b in breaks(home)]
    assert outcomes and set(outcomes) == {"missed"}  # unanswered, then the SIGTERM


def run_recorded(home: Path, keys: list[tuple[str, str]], log: Path) -> str:
    """``glutecoach remind`` full screen under ``script`` (a real pty), typing ``keys``,
    each once ``wait`` text has shown up in the recording. Returns the recording."""
    assert shutil.which("script"), "script (util-linux) is needed for this test"
    command = f"{EXE} remind --every 2s --snooze 1s"
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.Popen(
        ["script", "-q", "-f", "-e", "-c", command, str(log)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None

    def read() -> str:
        return log.read_bytes().decode("utf-8", "replace") if log.exists() else ""

    try:
        for wait, key in keys:
            count = read().count(wait)

            def fresh(wait: str = wait, count: int = count) -> str:
                return read() if read().count(wait) > count else ""

            wait_for(fresh, wait)
            proc.stdin.write(key.encode())
            proc.stdin.flush()
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    return read()


def test_in_a_terminal_the_nudge_rings_notifies_and_answers_keys(
    home: Path, tmp_path: Path
) -> None:
    recording = run_recorded(
        home,
        [("TIME TO STAND UP", "s"), ("TIME TO STAND UP", "x"), ("Skipped", "q")],
        tmp_path / "typescript",
    )
    assert "\x1b]9;glutecoach: Time to stand up: you have sat for <1 min\x1b\\" in recording
    assert "\x1b]777;notify;glutecoach;Time to stand up" in recording
    assert "\a\x1b]9;" in recording  # the bell rings with it
    assert "\x1b[?1049h" in recording and "\x1b[?1049l" in recording  # screen given back
    assert [b[0] for b in breaks(home)] == ["snoozed", "skipped"]


class Tmux:
    def __init__(self, name: str) -> None:
        self.base = ["tmux", "-L", f"gc-remind-{os.getpid()}-{name}"]
        self.name = name

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def key(self, key: str) -> None:
        self.run("send-keys", "-t", self.name, key)


@pytest.fixture
def tmux(home: Path) -> Iterator[Tmux]:
    assert shutil.which("tmux"), "tmux is needed for this test (CI installs it)"
    session = Tmux("remind")
    yield session
    session.run("kill-server")


@pytest.mark.terminal
def test_in_tmux_b_runs_the_break_and_it_counts(home: Path, tmux: Tmux) -> None:
    env = f"GLUTECOACH_HOME={home} TERM=xterm-256color"
    command = f"env {env} {EXE} remind --plain --every 2s --snooze 1s; echo EXIT=$?; sleep 60"
    tmux.run("new-session", "-d", "-s", tmux.name, "-x", "80", "-y", "24", command)
    first = wait_for(tmux.screen, "Time to stand up")
    assert "b: Quick test now, s: snooze 1s, x: skip." in first
    tmux.key("b")
    wait_for(tmux.screen, "Session completed")  # the routine's own plain run, in this pane
    screen = wait_for(tmux.screen, "Break taken")
    assert screen.index("Session completed") < screen.index("Break taken")
    wait_for(lambda: tmux.screen().split("Break taken", 1)[1], "Time to stand up")
    tmux.key("q")
    wait_for(tmux.screen, "EXIT=0")
    rows = breaks(home)
    assert rows[0] == ("taken", "nudge", "quick")
    assert rows[-1][0] == "missed"  # the nudge that was up when q was pressed


@pytest.mark.terminal
def test_in_tmux_the_full_screen_counts_down_and_shows_the_nudge(home: Path, tmux: Tmux) -> None:
    env = f"GLUTECOACH_HOME={home} TERM=xterm-256color"
    command = f"env {env} {EXE} remind --every 3s --snooze 1s; echo EXIT=$?; sleep 60"
    tmux.run("new-session", "-d", "-s", tmux.name, "-x", "60", "-y", "16", command)
    piped = home / "pane.log"
    tmux.run("pipe-pane", "-o", "-t", tmux.name, f"cat >> {piped}")
    waiting = wait_for(tmux.screen, "Next nudge in")
    assert "Sat for" in waiting and "b  start Quick test now" in waiting
    nudge = wait_for(tmux.screen, "TIME TO STAND UP")
    assert "s          snooze 1s" in nudge and "Next nudge" not in nudge
    tmux.key("s")
    wait_for(tmux.screen, "Snoozed until")
    state = json.loads((home / "remind.json").read_text())  # what the app's list reads
    assert state["phase"] == "waiting" and state["next_due"] >= time.time() - 5
    tmux.key("q")
    wait_for(tmux.screen, "EXIT=0")
    assert not (home / "remind.json").exists()
    assert [b[0] for b in breaks(home)] == ["snoozed"]
    recorded = piped.read_bytes().decode("utf-8", "replace")
    assert "\a\x1b]9;glutecoach: Time to stand up" in recorded
    # Inside tmux it is also sent wrapped, for tmux to pass on to the outer terminal.
    assert "\x1bPtmux;\x1b\x1b]9;glutecoach: Time to stand up" in recorded


def test_breaks_lists_nudges_with_counts_per_day(home: Path) -> None:
    test_piped_it_prints_one_line_per_nudge_without_escapes_and_remembers(home)
    done = subprocess.run([EXE, "breaks", "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    total = len(data["breaks"])
    assert data["days"][0]["missed"] == total
    assert set(data["breaks"][0]) == {
        "nudged_at",
        "answered_at",
        "outcome",
        "source",
        "routine",
        "sat_seconds",
    }
    table = subprocess.run([EXE, "breaks"], capture_output=True, text=True).stdout
    assert "missed" in table.splitlines()[0]
    later = subprocess.run(
        [EXE, "breaks", "--json", "--since", "2999-01-01"], capture_output=True, text=True
    )
    assert json.loads(later.stdout) == {"days": [], "breaks": []}
    bad = subprocess.run([EXE, "breaks", "--since", "yesterday"], capture_output=True, text=True)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_a_stopped_reminder_starts_over_instead_of_firing_late(home: Path) -> None:
    proc = subprocess.Popen(
        [EXE, "remind", "--plain", "--every", "3s", "--snooze", "1s"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    first = read_until(proc, "Reminding every 3s")
    time.sleep(0.5)
    proc.send_signal(signal.SIGSTOP)  # Ctrl-Z, or a frozen machine
    time.sleep(8)
    proc.send_signal(signal.SIGCONT)
    lines = first + read_until(proc, "Nothing ran for")
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    lines += out.splitlines()
    gap = [line for line in lines if "Nothing ran for" in line]
    assert len(gap) == 1 and "the count starts over" in gap[0]
    # No late burst: the nudge due while it was stopped never fires; the next is 3 s away.
    assert not any("Time to stand up" in line for line in lines), lines


def test_no_nudge_during_a_workout_in_another_glutecoach_and_its_end_counts(home: Path) -> None:
    remind = subprocess.Popen(
        [EXE, "remind", "--plain", "--every", "2s", "--snooze", "1s"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)
        workout = subprocess.run(
            [EXE, "run", "quick", "--plain", "--voice", "off"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert workout.returncode == 0, workout.stderr
        assert "Session completed" in workout.stdout
        time.sleep(3.5)
    finally:
        remind.send_signal(signal.SIGTERM)
    out, _ = remind.communicate(timeout=20)
    lines = out.splitlines()
    counted = [i for i, line in enumerate(lines) if "Break counted" in line]
    nudges = [i for i, line in enumerate(lines) if "Time to stand up" in line]
    assert counted, out
    assert nudges and min(nudges) > counted[0], out  # nothing fired while it ran
