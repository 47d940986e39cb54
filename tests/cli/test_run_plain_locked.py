"""`run --plain` in real time while another program holds history.db's lock across step ends.

Storage is off the timing path: every cue is printed (and handed to the voice) on time while
the lock is held, and every step is in the history once the lock is let go.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from cli_support import write_routine
from test_run_plain_realtime import cue_lines, planned_cues, run_and_time

# Nineteen seconds with a step end every one to three seconds: lead-in, rep-free sets with a
# rest, a transition, a one-sided set with its switch.
STEPS = """name = "Steps"
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
ON_TIME = 0.05  # every cue within 50 ms of its plan, lock or no lock
LOCK_FROM = 1.0  # seconds after the first cue


def hold_lock(db: Path, seconds: float, first_cue: threading.Event, held: list[float]) -> None:
    """Another program's connection: BEGIN EXCLUSIVE for ``seconds`` across step ends."""
    first_cue.wait(timeout=30)
    time.sleep(LOCK_FROM)
    conn = sqlite3.connect(db, timeout=5, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        held.append(time.monotonic())
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        held.append(time.monotonic())
    finally:
        conn.close()


@pytest.mark.parametrize("hold", [5.0, 15.0])
def test_cues_stay_on_time_while_history_is_locked_and_every_step_is_kept(
    home: Path, hold: float
) -> None:
    write_routine(home, "steps", STEPS)
    total, expected = planned_cues(home, "steps")
    assert total > LOCK_FROM + hold + 1, "the lock must be let go before the routine ends"
    db = home / "history.db"
    first_cue = threading.Event()
    held: list[float] = []
    locker = threading.Thread(target=hold_lock, args=(db, hold, first_cue, held), daemon=True)
    locker.start()
    master, slave = os.openpty()
    try:
        lines, stderr, status = run_and_time(home, "steps", slave, on_line=first_cue.set)
    finally:
        os.close(slave)
        os.close(master)
    locker.join(timeout=30)
    assert status == 0, stderr
    assert len(held) == 2, "the lock was never taken: the test proved nothing"
    printed = cue_lines(lines)
    assert [text for _, _, text in printed] == [text for _, text in expected]
    first = printed[0][0]
    late = [
        (round((arrived - first) - at, 3), text)
        for (arrived, _, text), (at, _) in zip(printed, expected, strict=True)
    ]
    assert all(abs(delay) <= ON_TIME for delay, _ in late), late
    assert "Session completed" in lines[-1][1], lines[-1][1]
    assert "History could not save" not in lines[-1][1]

    from glutecoach.store import open_store

    store = open_store()
    try:
        (session,) = store.history.sessions()
    finally:
        store.close()
    assert session.status == "completed"
    done = {e.exercise: (e.sets_done, e.sets_planned) for e in session.exercises}
    assert done == {"glute-bridge": (2, 2), "clamshell": (1, 1)}
    assert session.active_seconds == pytest.approx(total, abs=0.5)
