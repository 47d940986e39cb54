"""`run --plain` in real time: the only tests here that wait on the wall clock, kept short.

The plan is checked against the lines the real process prints, as they arrive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cli_support import glutecoach, write_routine

# 2-second sets, and every kind of step: lead-in, work, rest, transition, switch.
QUICK = """name = "Quick"
lead_in = 2
transition = 1
switch = 1

[[exercise]]
id = "glute-bridge"
sets = 2
seconds = 2
rest = 1

[[exercise]]
id = "clamshell"
seconds = 2
"""

TINY = """name = "Tiny"
lead_in = 2
switch = 1

[[exercise]]
id = "runners-stretch"
seconds = 2
"""

CUE_LINE = re.compile(r"^\s*(\d+):(\d\d)  (\S.*)$")
TOLERANCE = 0.5


def planned_cues(home: Path, routine_id: str) -> tuple[float, list[tuple[float, str]]]:
    result = glutecoach("plan", routine_id, "--json", home=home)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    cues: list[tuple[float, str]] = []
    start = 0.0
    for step in plan["steps"]:
        cues += [(start + cue["at"], cue["text"]) for cue in step["cues"]]
        start += step["seconds"]
    cues.append((plan["total_seconds"], plan["closing"]["text"]))
    return plan["total_seconds"], cues


def run_and_time(
    home: Path, routine_id: str, stdin: int, on_line: Callable[[], object] | None = None
) -> tuple[list[tuple[float, str]], str, int]:
    """Run the routine; return (arrival time since spawn, line) for each line, stderr, status."""
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    spawned = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "glutecoach", "run", routine_id, "--plain", "--voice", "captions"],
        env=env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[tuple[float, str]] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append((time.monotonic() - spawned, line.rstrip("\n")))
            if on_line is not None and CUE_LINE.match(line.rstrip("\n")):
                on_line()
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    return lines, process.stderr.read(), status


def cue_lines(lines: list[tuple[float, str]]) -> list[tuple[float, float, str]]:
    """(arrival, printed plan time, text) for the printed cues."""
    found = []
    for arrived, line in lines:
        match = CUE_LINE.match(line)
        if match:
            found.append((arrived, int(match[1]) * 60 + int(match[2]), match[3]))
    return found


def test_run_plain_keeps_time_and_prints_every_cue_in_order(home: Path) -> None:
    write_routine(home, "quick", QUICK)
    total, expected = planned_cues(home, "quick")
    assert 10 <= total <= 15
    master, slave = os.openpty()  # a keyboard on stdin, as when a person runs it
    try:
        lines, stderr, status = run_and_time(home, "quick", slave)
    finally:
        os.close(slave)
        os.close(master)
    assert status == 0, stderr
    assert "Traceback" not in stderr
    assert "Keys:" in lines[0][1]  # the keyboard path was taken
    printed = cue_lines(lines)
    assert [text for _, _, text in printed] == [text for _, text in expected]
    assert [round(at) for _, at, _ in printed] == [round(at) for at, _ in expected]
    # The first cue is due at 0:00, when the session starts: anchor the wall clock there.
    first_arrival = printed[0][0]
    startup = first_arrival
    for (arrived, _, text), (at, _) in zip(printed, expected, strict=True):
        assert abs((arrived - first_arrival) - at) <= TOLERANCE, (text, arrived - startup, at)
    ended = printed[-1][0] - first_arrival
    assert abs(ended - total) <= TOLERANCE, f"ended at {ended:.3f}s, planned {total}s"
    print(f"quick: planned {total}s, closing line at {ended:.3f}s, start-up {startup:.3f}s")
    assert lines[-1][1].startswith("Session completed")


def test_run_plain_without_a_terminal_runs_to_the_end(home: Path) -> None:
    write_routine(home, "tiny", TINY)
    total, expected = planned_cues(home, "tiny")
    lines, stderr, status = run_and_time(home, "tiny", subprocess.DEVNULL)
    assert status == 0, stderr
    assert "Traceback" not in stderr
    printed = cue_lines(lines)
    assert [text for _, _, text in printed] == [text for _, text in expected]
    ended = printed[-1][0] - printed[0][0]
    assert abs(ended - total) <= TOLERANCE, f"ended at {ended:.3f}s, planned {total}s"
    print(f"tiny: planned {total}s, closing line at {ended:.3f}s")
    assert lines[-1][1].startswith("Session completed")
    assert "Keys:" not in lines[0][1]  # no keyboard, no key help
