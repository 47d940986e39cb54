"""What a history write costs, and what each ``PRAGMA synchronous`` keeps through a kill -9.

    python tests/bench/history_write_bench.py [--commits 200]

For each of OFF (the floor: no fsync at all), NORMAL and FULL, under WAL as the app runs:

* commit latency of one step's write (the two UPDATEs ``Recorder.progress`` queues),
  median, 95th percentile and worst, in a real file in a temp dir on this machine's disk;
* a kill -9 test: a child commits step after step, printing each after its commit; the
  parent kills it and counts how many printed steps the file kept.

And the caller's side: what ``Recorder.progress`` costs on the clock's thread now that it
only queues (the writer thread does the commit), beside the old synchronous commit (FULL).

A kill -9 only kills the process: the OS still holds what was written, so NORMAL and FULL
both keep every committed step. They differ on a power cut or OS crash, which no test here
can cause: FULL syncs the WAL at every commit (the last finished step survives), NORMAL
only at checkpoints (the last few steps may be lost, the file stays sound).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "store"))

CHILD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA synchronous = " + sys.argv[2])
n = 0
while True:
    n += 1
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE session_exercises SET reps_done=? WHERE session_id=1", (n,))
    conn.execute("UPDATE sessions SET active_seconds=? WHERE id=1", (float(n),))
    conn.execute("COMMIT")
    print(n, flush=True)
"""


def fresh_db(folder: Path, name: str) -> Path:
    from store_plans import make_plan

    from glutecoach.store.db import open_database
    from glutecoach.store.history import History

    path = folder / name
    result = open_database(path)
    assert result.db is not None
    history = History(result.db)
    history.begin(make_plan(), "Bench")
    result.db.close()
    return path


def commit_ms(path: Path, mode: str, commits: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA synchronous = {mode}")
    times = []
    for n in range(commits):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE session_exercises SET sets_done=?, reps_done=?, seconds_done=? "
            "WHERE session_id=1 AND exercise='glute-bridge'",
            (n % 3, n, float(n)),
        )
        conn.execute(
            "UPDATE sessions SET active_seconds=?, updated_at=? WHERE id=1 AND ended_at IS NULL",
            (float(n), "2026-01-01T00:00:00+00:00"),
        )
        conn.execute("COMMIT")
        times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return times


def kill_test(path: Path, mode: str, seconds: float = 1.0) -> tuple[int, int]:
    """(steps the child said it committed, steps the file kept) after a kill -9."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), mode], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    said = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        said = int(child.stdout.readline())
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    for line in child.stdout:  # committed before the kill, still in the pipe
        said = int(line)
    conn = sqlite3.connect(path)
    kept = int(
        conn.execute(
            "SELECT reps_done FROM session_exercises WHERE session_id=1 LIMIT 1"
        ).fetchone()[0]
    )
    conn.close()
    return said, kept


def caller_us(folder: Path, calls: int) -> tuple[float, float]:
    """Median µs per ``progress`` call on the caller's thread: queued (now) and synchronous
    (the old path: the commit on the caller's thread, FULL)."""
    from store_plans import make_plan

    from glutecoach.engine.progress import PlanTally
    from glutecoach.store.db import open_database
    from glutecoach.store.history import History

    result = open_database(folder / "caller.db")
    assert result.db is not None
    history = History(result.db)
    plan = make_plan()
    record = history.begin(plan, "Bench")
    tally = PlanTally(plan)
    step = plan.steps[1]
    queued = []
    for _ in range(calls):
        done = tally.ended(1, step, step.seconds, True)
        started = time.perf_counter()
        record.progress(done, tally.active_seconds)
        queued.append((time.perf_counter() - started) * 1e6)
        time.sleep(0.002)  # steps end seconds apart; let the writer keep up as it would
    history.flush()
    result.db.close()
    sync_ms = commit_ms(folder / "caller.db", "FULL", calls)
    return statistics.median(queued), statistics.median(sync_ms) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glutecoach-write-bench-") as tmp:
        folder = Path(tmp)
        print(f"{'synchronous':<12} {'median':>8} {'p95':>8} {'worst':>8}   kill -9: kept/said")
        for mode in ("OFF", "NORMAL", "FULL"):
            path = fresh_db(folder, f"{mode}.db")
            times = sorted(commit_ms(path, mode, args.commits))
            p95 = times[int(len(times) * 0.95) - 1]
            said, kept = kill_test(path, mode)
            label = "baseline OFF" if mode == "OFF" else mode
            print(
                f"{label:<12} {statistics.median(times):6.2f}ms {p95:6.2f}ms "
                f"{times[-1]:6.2f}ms   {kept}/{said}"
                f"{'' if kept >= said else '  LOST STEPS'}"
            )
        queued, sync = caller_us(folder, min(args.commits, 200))
        print(
            f"Recorder.progress on the caller's thread: {queued:.0f} µs queued "
            f"(baseline: {sync:.0f} µs committing there, FULL); target: < 1 ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
