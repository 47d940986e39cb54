"""history.db: written as it happens, safe against crashes, damage, newer files and
read-only folders, and shared by two processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from store_helpers import STORE_TESTS, run_python
from store_plans import end_step, make_plan, run_all

from glutecoach.engine.progress import PlanTally
from glutecoach.store import Store, open_store
from glutecoach.store.db import MIGRATIONS, SCHEMA_VERSION


def test_completed_session_is_recorded_with_levels_and_sets(store: Store) -> None:
    plan = make_plan({"glute-bridge": 2})
    record = store.history.begin(plan, "Test routine")
    run_all(record, plan)
    record.finish("completed", 190.5)
    record.rate(2)
    [row] = store.history.sessions()
    assert (row.routine, row.status, row.active_seconds, row.effort) == (
        "test-routine",
        "completed",
        190.5,
        2,
    )
    assert row.ended_at is not None and row.started_at.endswith("+00:00")
    by_id = {e.exercise: e for e in row.exercises}
    assert [e.exercise for e in row.exercises] == [
        "glute-bridge",
        "clamshell",
        "hip-flexor-stretch",
    ]
    assert (by_id["glute-bridge"].level, by_id["glute-bridge"].sets_done) == (2, 2)
    assert (by_id["glute-bridge"].sets_planned, by_id["glute-bridge"].reps_done) == (2, 20)
    assert (by_id["clamshell"].sets_done, by_id["clamshell"].reps_done) == (2, 32)
    assert by_id["hip-flexor-stretch"].seconds_done == 60


def test_one_sided_set_counts_only_when_both_sides_are_done(store: Store) -> None:
    plan = make_plan()
    record = store.history.begin(plan, "Test routine")
    tally = PlanTally(plan)
    for i, step in enumerate(plan.steps):
        if step.exercise == "clamshell" and step.kind == "work":
            completed = not (step.set == 2 and step.side == "right")
            end_step(record, tally, plan, i, step.seconds if completed else 5, completed)
    record.finish("partial", 60)
    clam = next(e for e in store.history.sessions()[0].exercises if e.exercise == "clamshell")
    assert clam.sets_done == 1
    assert clam.reps_done == 8 * 3 + 2  # 5 s at 2 s per rep on the unfinished side


def test_progress_is_on_disk_after_every_step(store: Store, home: Path) -> None:
    plan = make_plan()
    record = store.history.begin(plan, "Test routine")
    run_all(record, plan, upto=4)  # lead-in, bridge set 1, rest, bridge set 2
    assert store.history.flush(timeout=1.0)  # queued writes land within moments
    other = sqlite3.connect(home / "history.db")
    done = other.execute(
        "SELECT sets_done FROM session_exercises WHERE exercise='glute-bridge'"
    ).fetchone()
    status = other.execute("SELECT status, ended_at FROM sessions").fetchone()
    other.close()
    assert done == (2,)
    assert status == ("partial", None)


def test_repeating_a_step_does_not_count_it_twice(store: Store) -> None:
    plan = make_plan()
    record = store.history.begin(plan, "Test routine")
    tally = PlanTally(plan)
    for _ in range(3):
        end_step(record, tally, plan, 1, 30, True)
    end_step(record, tally, plan, 0, 5, True)
    [row] = store.history.sessions()
    assert (row.exercises[0].sets_done, row.exercises[0].reps_done) == (1, 10)
    assert row.active_seconds == 35


def test_a_set_done_once_stays_done_when_revisited_and_skipped(store: Store) -> None:
    plan = make_plan()
    record = store.history.begin(plan, "Test routine")
    tally = PlanTally(plan)
    end_step(record, tally, plan, 1, 30, True)
    end_step(record, tally, plan, 1, 2, False)  # "previous", then skipped
    [row] = store.history.sessions()
    assert (row.exercises[0].sets_done, row.exercises[0].reps_done) == (1, 10)


KILL_CHILD = """
import sys, time
from store_plans import make_plan, run_all
from glutecoach.store import open_store
store = open_store()
plan = make_plan()
record = store.history.begin(plan, "Test routine")
run_all(record, plan, upto=6)
print("ready", flush=True)
time.sleep(60)
"""
KEPT_AFTER = 1.0  # the README's promise: a step that ended this long before a kill is kept


def test_kill_9_mid_run_leaves_a_partial_session_with_finished_steps(home: Path) -> None:
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONPATH": str(STORE_TESTS)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_CHILD], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(KEPT_AFTER)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

    store = open_store()
    [row] = store.history.sessions()
    store.close()
    assert row.status == "partial"
    assert row.ended_at is not None  # closed at its last finished step on the next start
    by_id = {e.exercise: e for e in row.exercises}
    assert by_id["glute-bridge"].sets_done == 2
    assert by_id["clamshell"].sets_done == 0
    assert by_id["clamshell"].reps_done == 8  # the left side of set 1 was finished
    assert row.active_seconds == 5 + 30 + 20 + 30 + 10 + 16


def test_open_session_of_a_live_process_is_left_alone(store: Store, home: Path) -> None:
    record = store.history.begin(make_plan(), "Test routine")
    second = open_store()
    second.close()
    record.finish("completed", 100)
    assert store.history.sessions()[0].status == "completed"


def test_stale_session_from_a_dead_process_is_closed(store: Store) -> None:
    store.history.begin(make_plan(), "Test routine")
    assert store.history.close_stale(is_alive=lambda pid: False) == 1
    [row] = store.history.sessions()
    assert row.status == "partial" and row.ended_at is not None


def test_files_are_private(store: Store, home: Path) -> None:
    store.history.begin(make_plan(), "Test routine")
    assert stat.S_IMODE((home / "history.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    wal = home / "history.db-wal"
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_database_uses_wal_and_foreign_keys(store: Store) -> None:
    assert store.history.db is not None
    conn = store.history.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_opening_writes_nothing_but_the_schema(home: Path) -> None:
    store = open_store()
    assert store.history.sessions() == []
    assert store.history.db is not None
    assert store.history.db.query("SELECT count(*) FROM levels") == [(0,)]
    store.close()


def test_garbage_file_is_moved_aside_and_a_fresh_history_started(home: Path) -> None:
    home.mkdir(parents=True)
    garbage = b"this is not a database\n" * 100
    (home / "history.db").write_bytes(garbage)
    store = open_store()
    assert store.history.enabled
    [aside] = list(home.glob("history.db.corrupt-*"))
    assert aside.read_bytes() == garbage
    [notice] = store.notices
    assert "damaged" in notice and aside.name in notice
    record = store.history.begin(make_plan(), "Test routine")
    record.finish("completed", 10)
    assert len(store.history.sessions()) == 1
    store.close()


def test_damaged_pages_are_detected_and_moved_aside(home: Path) -> None:
    store = open_store()
    for _ in range(30):
        store.history.begin(make_plan(), "Test routine").finish("completed", 10)
    store.close()
    path = home / "history.db"
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 8, len(data), 4096):
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        (home / f"history.db{side}").unlink(missing_ok=True)

    store = open_store()
    assert store.history.enabled
    assert list(home.glob("history.db.corrupt-*"))
    assert any("damaged" in n for n in store.notices)
    assert store.history.sessions() == []
    store.close()


def test_newer_schema_is_refused_and_never_written(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "history.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    store = open_store()
    assert not store.history.enabled
    assert "newer glutecoach" in store.history.why_disabled
    assert any("newer glutecoach" in n for n in store.notices)
    record = store.history.begin(make_plan(), "Test routine")
    run_all(record, make_plan())
    record.finish("completed", 10)
    assert store.levels.set("glute-bridge", 3) is False
    store.close()
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert not list(home.glob("history.db.corrupt-*"))


def test_read_only_data_dir_runs_with_history_off_and_a_reason(read_only_home: Path) -> None:
    code = (
        "from store_plans import make_plan, run_all\n"
        "from glutecoach.store import open_store\n"
        "s = open_store()\n"
        "r = s.history.begin(make_plan(), 'Test routine')\n"
        "run_all(r, make_plan()); r.finish('completed', 5); r.rate(1)\n"
        "print(s.history.enabled)\n"
        "print(s.history.why_disabled)\n"
        "print(s.notices[-1])\n"
    )
    result = run_python(code, read_only_home, unprivileged=True)
    assert result.returncode == 0, result.stderr
    enabled, why, notice = result.stdout.splitlines()
    assert enabled == "False"
    assert "history.db" in why and "ermission denied" in why
    assert notice.startswith("History is off:")


def test_migration_from_v1_keeps_sessions_and_adds_levels(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "history.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO sessions (routine, routine_name, started_at, ended_at, status, "
        "active_seconds, effort) VALUES ('desk-reset', 'Desk reset', "
        "'2025-01-02T08:00:00+00:00', '2025-01-02T08:07:00+00:00', 'completed', 400, 3)"
    )
    conn.execute("INSERT INTO session_exercises VALUES (1, 0, 'glute-bridge', 2, 2, 2, 20, 60)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    store = open_store()
    assert store.history.enabled
    assert store.history.db is not None
    assert store.history.db.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    [row] = store.history.sessions()
    assert (row.routine, row.effort, row.exercises[0].level) == ("desk-reset", 3, 2)
    assert store.levels.set("glute-bridge", 3) is True
    assert store.history.db.query("SELECT updated_at FROM sessions") == [
        ("2025-01-02T08:07:00+00:00",)
    ]
    store.close()


def test_deleting_a_session_removes_its_exercises(store: Store) -> None:
    store.history.begin(make_plan(), "Test routine").finish("completed", 1)
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.execute("DELETE FROM sessions")
    assert store.history.db.query("SELECT count(*) FROM session_exercises") == [(0,)]


TWO_PROCESS_CHILD = """
import sys, time
from store_plans import make_plan, run_all
from glutecoach.store import open_store
store = open_store()
plan = make_plan(routine_id=sys.argv[1])
record = store.history.begin(plan, "Test routine")
go = float(sys.argv[2])
while time.time() < go:
    time.sleep(0.001)
run_all(record, plan)
record.finish("completed", 123)
record.rate(2)
print(store.history.enabled, flush=True)
"""


def test_two_processes_finishing_at_once_both_keep_their_sessions(home: Path) -> None:
    open_store().close()  # create the schema first, as the app would have
    env = {**os.environ, "GLUTECOACH_HOME": str(home), "PYTHONPATH": str(STORE_TESTS)}
    go = f"{time.time() + 2.0:.3f}"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_PROCESS_CHILD, name, go],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("morning", "evening")
    ]
    outputs = [c.communicate(timeout=60) for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    assert [o[0].strip() for o in outputs] == ["True", "True"], outputs

    store = open_store()
    rows = store.history.sessions()
    store.close()
    assert sorted(r.routine for r in rows) == ["evening", "morning"]
    for row in rows:
        assert (row.status, row.effort, row.active_seconds) == ("completed", 2, 123)
        assert [e.sets_done for e in row.exercises] == [2, 2, 1]


def test_daily_totals_and_level_points_group_in_sqlite(store: Store) -> None:
    for level in (1, 1, 2):
        store.history.begin(make_plan({"glute-bridge": level}), "T").finish("completed", 120)
    store.history.begin(make_plan({"glute-bridge": 2}), "T").finish("partial", 60)
    [(day, minutes, sessions, completed)] = store.history.daily_totals()
    assert (minutes, sessions, completed) == (7.0, 4, 3)
    assert len(day) == 10
    bridge = [(lvl) for ex, _t, lvl in store.history.level_points() if ex == "glute-bridge"]
    assert bridge == [1, 2]


def test_a_killed_but_unreaped_process_counts_as_gone() -> None:
    from glutecoach.store.recovery import pid_alive as _pid_alive

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert _pid_alive(child.pid)
        child.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 5
        while Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not _pid_alive(child.pid)  # a zombie: dead, though signal 0 still succeeds
    finally:
        child.wait()
    assert not _pid_alive(child.pid)


def test_no_history_records_nothing_and_says_why(home: Path) -> None:
    from glutecoach.store import NoHistory

    off = NoHistory()
    assert not off.enabled and "--no-history" in off.why_disabled
    record = off.begin(make_plan(), "Test routine")
    run_all(record, make_plan())
    record.finish("completed", 10)
    record.rate(2)
    assert off.sessions() == [] and off.daily_totals() == []
    assert not home.exists()


def test_table_rows_page_like_sessions_with_levels_in_session_order(store: Store) -> None:
    """The History screen's rows: the same sessions in the same order as ``sessions()``
    (ties on the start time broken by id), levels in the session's own exercise order,
    and each page picking up exactly after the last row of the one before."""
    for level in (1, 2, 3, 2, 1, 3, 2):
        plan = make_plan({"glute-bridge": level, "clamshell": 4 - level})
        record = store.history.begin(plan, "[b]Routine[/b]")  # brackets stay text
        run_all(record, plan)
        record.finish("completed", 60 * level)
    assert store.history.db is not None
    with store.history.db.write() as conn:  # three sessions share one start time
        conn.execute("UPDATE sessions SET started_at='2025-03-01T08:00:00+00:00' WHERE id <= 3")
    expected = store.history.sessions()
    pages = [store.history.table_rows(3)]
    while len(pages[-1]) == 3:
        pages.append(store.history.table_rows(3, after=pages[-1][-1]))
    rows = [row for page in pages for row in page]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r.id for r in rows] == [s.id for s in expected]
    for row, session in zip(rows, expected, strict=True):
        assert row.levels == " ".join(f"{e.exercise}:{e.level}" for e in session.exercises)
        assert (row.started_at, row.routine_name, row.status, row.effort) == (
            session.started_at,
            session.routine_name,
            session.status,
            session.effort,
        )
        assert row.active_seconds == session.active_seconds
    assert rows[0].levels.split()[0].startswith("glute-bridge:")  # plan order, not a-z
