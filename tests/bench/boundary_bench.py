"""Cue lateness at step boundaries while another program holds history.db locked for 5 s.

Runs the same routine with `run --plain` twice in one go: the code before the workout run
(commit c2dee41, where the step's history commit sat on the clock's thread) checked out into
a temporary worktree, and this checkout. A helper thread takes `BEGIN EXCLUSIVE` one second
after the first cue and holds it for five, across several step ends. Each printed cue's
arrival is compared with its plan time (anchored at the first cue).

    python tests/bench/boundary_bench.py [--hold 5] [--before c2dee41]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROUTINE = """name = "Steps"
lead_in = 2
transition = 1
switch = 1

[[exercise]]
id = "glute-bridge"
sets = 2
seconds = 3
rest = 1

[[exercise]]
id = "clamshell"
seconds = 4
"""
CUE = re.compile(r"^\s*(\d+):(\d\d)  (\S.*)$")


def plan(src: Path, home: Path) -> list[tuple[float, str, bool]]:
    """(plan time, text, at a step's start) for every cue, the closing line included."""
    out = subprocess.run(
        [sys.executable, "-m", "glutecoach", "plan", "steps", "--json"],
        env={**os.environ, "PYTHONPATH": str(src), "GLUTECOACH_HOME": str(home)},
        cwd=home,  # not the checkout: its glutecoach/ would come before PYTHONPATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    cues, start = [], 0.0
    for step in data["steps"]:
        cues += [(start + c["at"], c["text"], c["at"] == 0) for c in step["cues"]]
        start += step["seconds"]
    cues.append((data["total_seconds"], data["closing"]["text"], True))
    return cues


def run_once(src: Path, hold: float) -> tuple[list[float], list[float]]:
    """Lateness (s) of every cue and of the cues at step boundaries, lock held ``hold`` s."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "routines").mkdir()
        (home / "routines" / "steps.toml").write_text(ROUTINE)
        expected = plan(src, home)
        first = threading.Event()

        def locker() -> None:
            first.wait(30)
            time.sleep(1.0)
            conn = sqlite3.connect(home / "history.db", timeout=5, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            time.sleep(hold)
            conn.execute("ROLLBACK")
            conn.close()

        thread = threading.Thread(target=locker, daemon=True)
        thread.start()
        master, slave = os.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "glutecoach", "run", "steps", "--plain", "--voice", "captions"],
            env={**os.environ, "PYTHONPATH": str(src), "GLUTECOACH_HOME": str(home)},
            cwd=home,
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        arrivals: list[float] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            if CUE.match(line.rstrip("\n")):
                arrivals.append(time.monotonic())
                first.set()
        proc.wait(60)
        os.close(slave)
        os.close(master)
        thread.join(30)
    t0 = arrivals[0]
    late = [(a - t0) - at for a, (at, _, _) in zip(arrivals, expected, strict=False)]
    edges = [d for d, (_, _, edge) in zip(late, expected, strict=False) if edge]
    return late, edges


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=5.0)
    parser.add_argument("--before", default="c2dee41")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before), args.before],
            check=True,
        )
        try:
            rows = []
            for label, src in (("before " + args.before, before), ("now", ROOT)):
                for n in range(args.runs):
                    late, edges = run_once(src, args.hold)
                    rows.append((label, n + 1, max(late), max(edges), statistics.median(late)))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)])
    print(f"history.db held with BEGIN EXCLUSIVE for {args.hold:.0f} s across step ends")
    print(f"{'code':<16} {'run':>3} {'max late':>10} {'max at boundary':>16} {'median':>8}")
    for label, n, worst, edge, median in rows:
        print(
            f"{label:<16} {n:>3} {worst * 1000:>8.0f} ms {edge * 1000:>13.0f} ms "
            f"{median * 1000:>5.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
