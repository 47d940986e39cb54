"""The history writer: callers never wait, locks are waited out, failures are said once,
and a kill -9 keeps every step that ended a second before it. Real SQLite, real processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from store_helpers import STORE_TESTS
from store_plans import make_plan

from glutecoach.engine.progress import PlanTally
from glutecoach.store import Store, open_store
from glutecoach.store.writer import HistoryWriter, Notices

FAST = 0.05  # a recorder call that takes this long has waited for the disk or a lock

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding ``BEGIN EXCLUSIVE`` on ``path`` for ``seconds``."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


@pytest.mark.parametrize("seconds", [5, 15])
def test_a_locked_database_never_delays_a_call_and_every_step_lands_after(
    home: Path, seconds: int
) -> None:
    store = open_store()
    heard: list[str] = []
    plan = make_plan()
    locker = hold_lock(home / "history.db", seconds)
    try:
        timings: list[float] = []
        started = time.perf_counter()
        record = store.history.begin(plan, "Test routine", on_notice=heard.append)
        timings.append(time.perf_counter() - started)
        tally = PlanTally(plan)
        gap = (seconds - 1) / len(plan.steps)  # every step ends while the lock is held
        for i, step in enumerate(plan.steps):
            time.sleep(gap)
            started = time.perf_counter()
            record.progress(tally.ended(i, step, step.seconds, True), tally.active_seconds)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        record.finish("completed", 190)
        record.rate(2)
        timings.append(time.perf_counter() - started)
        assert locker.poll() is None, "the lock was let go before the last call"
        assert max(timings) < FAST, timings
        assert store.history.enabled
        assert [h for h in heard if "waiting" in h] == [heard[0]]  # said once
    finally:
        locker.wait(timeout=seconds + 10)
    assert store.history.flush(timeout=10)
    assert store.history.enabled
    [row] = store.history.sessions()
    assert (row.status, row.active_seconds, row.effort) == ("completed", 190, 2)
    assert [e.sets_done for e in row.exercises] == [2, 2, 1]
    assert store.close() == []
    assert not any("could not save" in h for h in heard)


def test_a_database_that_refuses_writes_is_said_once_and_raises_nothing(
    store: Store, home: Path
) -> None:
    conn = sqlite3.connect(home / "history.db")
    conn.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON sessions "
        "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"
    )
    conn.commit()
    conn.close()
    heard: list[str] = []
    plan = make_plan()
    record = store.history.begin(plan, "Test routine", on_notice=heard.append)
    tally = PlanTally(plan)
    for i, step in enumerate(plan.steps):
        record.progress(tally.ended(i, step, step.seconds, True), tally.active_seconds)
    record.finish("completed", 190)
    assert store.history.flush(timeout=5)
    assert len(heard) == 1, heard
    assert "could not save a finished step" in heard[0] and "the disk said no" in heard[0]
    assert store.history.enabled  # the next session may well be written
    lost = store.close()
    assert len(lost) == len(plan.steps) + 1  # every step and the end; the start was written


def test_close_gives_up_after_its_drain_and_says_what_was_lost(home: Path) -> None:
    store = open_store()
    heard: list[str] = []
    locker = hold_lock(home / "history.db", 8)
    try:
        plan = make_plan()
        record = store.history.begin(plan, "Test routine", on_notice=heard.append)
        record.finish("partial", 3)
        started = time.monotonic()
        lost = store.close(drain=1.0)
        took = time.monotonic() - started
    finally:
        locker.kill()
        locker.wait()
    assert took < 3.0
    assert [w.split(":")[0] for w in lost] == ["the session's start", "the session's end"]
    assert "stayed locked" in lost[0]
    assert sum("waiting" in h for h in heard) == 1
    assert sum("could not save" in h for h in heard) == 1


def test_writes_run_in_order_on_one_thread(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode = WAL").close()
    writer = HistoryWriter(path)
    threads: set[str] = set()

    def job(n: int) -> object:
        def run(conn: sqlite3.Connection) -> None:
            threads.add(threading.current_thread().name)
            conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            conn.execute("INSERT INTO t VALUES (?)", (n,))

        return run

    for n in range(50):
        assert writer.submit(job(n), f"row {n}")  # type: ignore[arg-type]
    assert writer.close() == []
    assert threads == {"history-writer"}
    conn = sqlite3.connect(path)
    assert [n for (n,) in conn.execute("SELECT n FROM t ORDER BY rowid")] == list(range(50))
    conn.close()
    heard: list[str] = []
    assert not writer.submit(job(99), "late row", Notices(heard.append))  # type: ignore[arg-type]
    assert heard and "already closed" in heard[0]


RECORDING_CHILD = """
import sys, time
from glutecoach.engine.progress import ExerciseDone
from store_plans import make_plan
from glutecoach.store import open_store
store = open_store()
record = store.history.begin(make_plan(), "Test routine")
n = 0
while True:
    n += 1
    record.progress(ExerciseDone("glute-bridge", 0, n, float(n)), float(n))
    print(n, time.time(), flush=True)
    time.sleep(0.05)
"""


def test_kill_9_keeps_every_step_that_ended_a_second_before(home: Path) -> None:
    open_store().close()
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONPATH": str(STORE_TESTS)}
    child = subprocess.Popen(
        [sys.executable, "-c", RECORDING_CHILD], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    ended: list[tuple[int, float]] = []
    deadline = time.time() + 3.0
    while time.time() < deadline:
        n, at = child.stdout.readline().split()
        ended.append((int(n), float(at)))
    child.send_signal(signal.SIGKILL)
    killed = time.time()
    child.wait(timeout=10)
    promised = max(n for n, at in ended if at <= killed - 1.0)

    conn = sqlite3.connect(home / "history.db")
    [(active, reps)] = conn.execute(
        "SELECT s.active_seconds, e.reps_done FROM sessions s JOIN session_exercises e "
        "ON e.session_id = s.id WHERE e.exercise = 'glute-bridge'"
    ).fetchall()
    conn.close()
    assert active >= promised and reps >= promised, (active, promised, len(ended))


def test_opening_while_another_program_holds_the_lock_neither_waits_nor_turns_off(
    home: Path,
) -> None:
    open_store().close()  # the schema exists, as after any earlier run
    locker = hold_lock(home / "history.db", 4)
    try:
        started = time.perf_counter()
        store = open_store()
        opened = time.perf_counter() - started
        assert store.history.enabled, store.notices
        plan = make_plan()
        record = store.history.begin(plan, "Test routine")
        tally = PlanTally(plan)
        for i, step in enumerate(plan.steps):
            record.progress(tally.ended(i, step, step.seconds, True), tally.active_seconds)
        record.finish("completed", 190)
        assert locker.poll() is None
    finally:
        locker.wait(timeout=15)
    assert opened < 1.0  # reading the schema version needs no write lock
    assert store.history.flush(timeout=10)
    [row] = store.history.sessions()
    assert row.status == "completed"
    assert store.close() == []
