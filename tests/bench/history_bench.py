"""Years of daily sessions: how fast the History screen opens and `history --json` runs.

    python tests/bench/history_bench.py [--years 10 50] [--runs 7]

Targets (issue 16): the screen open and `history --json` within 200 ms at 10 years, the
screen as fast at 50 years as at 10 (it reads summary tables, not every session), and
`glutecoach --version` within 40 ms. Each number is the median of ``--runs`` runs,
printed beside a baseline measured in the same run on the same machine:

* ``python -c pass``: the interpreter's own start-up, a floor no command can beat;
* pushing a bare screen in the same headless harness, the floor for any screen;
* the screen's figures computed the old way (grouping and scanning every session), to
  show what the summary tables buy;
* each query again on a copy of the database with every index dropped;
* in the real app (a fresh process each run), ``h`` pushing a bare screen instead.

CPU time is printed beside the screen opens: on a loaded machine their wall time is partly
waiting for a core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from history_data import generate

TARGET_MS = 200.0


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run_command(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)


def on_db(path: Path, action: Callable[[Any], object]) -> Callable[[], None]:
    """``action(History)`` against the file at ``path`` (indexed or not), opened fresh."""
    from glutecoach.store.db import Database, _connect
    from glutecoach.store.history import History

    def run() -> None:
        db = Database(_connect(path), path)
        action(History(db))
        db.close()

    return run


def suggestions_on(path: Path, catalog: Any) -> Callable[[], None]:
    from glutecoach.store.db import Database, _connect
    from glutecoach.store.levels import LevelStore

    def run() -> None:
        db = Database(_connect(path), path)
        LevelStore(db).suggestions(catalog)
        db.close()

    return run


def drop_indexes(path: Path) -> None:
    conn = sqlite3.connect(path)
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
        )
    ]
    for name in names:
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    conn.close()


def screen_open_ms(
    home: Path, runs: int, empty: bool = False, cpu: list[float] | None = None
) -> list[float]:
    """Time from pushing HistoryScreen to its table filled and the app idle, in a headless
    80x24 app; ``empty`` pushes a bare screen instead (the harness's own cost). The CPU
    time of each push goes to ``cpu``: on a loaded machine the wall time is partly waiting."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Static

    from glutecoach.screens.history import HistoryScreen
    from glutecoach.store import open_store

    os.environ["GLUTECOACH_HOME"] = str(home)
    times: list[float] = []

    class Bare(Screen[None]):
        def compose(self) -> Any:
            yield Static("history")
            yield Footer()

    class BenchApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.store = open_store()

    async def once() -> None:
        app = BenchApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            started, cpu_started = time.perf_counter(), time.process_time()
            await app.push_screen(Bare() if empty else HistoryScreen())
            await pilot.pause()
            if not empty:
                assert app.screen.query_one("#sessions", DataTable).row_count > 0
            times.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - cpu_started) * 1000)
        app.store.close()

    for _ in range(runs):
        asyncio.run(once())
    return times


# One run in a fresh process, as a person meets it: the real app (headless, 80x24, no
# sound) settles on the routine list, then ``h`` is pressed; milliseconds from the key to
# the table filled and the app idle, this process's CPU time beside it. The first open
# pays what a person's does: parsing the screen's CSS, restyling, and whatever the app did
# not get done while they read the list (the key comes half a second after the list is
# up, quicker than a person). With "bare" the key pushes a bare screen instead (the floor
# in this harness).
APP_OPEN = """
import asyncio, sys, time
from textual.screen import Screen
from textual.widgets import Footer, Static
from glutecoach.app import GlutecoachApp
from glutecoach.store import open_store
from glutecoach.voice.recording import RecordingVoice

class Bare(Screen[None]):
    def compose(self):
        yield Static("history")
        yield Footer()

async def main() -> None:
    store = open_store()
    app = GlutecoachApp(store, voice_mode="captions",
                        voice_factory=lambda mode, settings, **_: RecordingVoice(mode, settings))
    if sys.argv[1] == "bare":
        app.action_history = lambda: app.push_screen(Bare())
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await asyncio.sleep(0.5)
        await pilot.pause()
        started, cpu = time.perf_counter(), time.process_time()
        await pilot.press("h")
        await pilot.pause()
        took, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        if sys.argv[1] != "bare":
            assert app.screen.query_one("#sessions").row_count > 0
        print(took, cpu)
    store.close()

asyncio.run(main())
"""


def app_open_ms(env: dict[str, str], runs: int, bare: bool = False) -> tuple[float, float]:
    """Median (wall, CPU) ms of ``APP_OPEN``, each run in a new process."""
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", APP_OPEN, "bare" if bare else "history"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        walls.append(float(out[-2]))
        cpus.append(float(out[-1]))
    return statistics.median(walls), statistics.median(cpus)


def old_screen_queries(h: Any) -> None:
    """The History screen's figures as they were read before the summary tables: every
    session grouped by day, every exercise row scanned for level changes."""
    assert h.db is not None
    h.db.query(
        "SELECT date(started_at, 'localtime') AS day, SUM(active_seconds) / 60.0,"
        " COUNT(*), SUM(status = 'completed') FROM sessions GROUP BY day ORDER BY day"
    )
    last: dict[str, int] = {}
    for _sid, exercise, level in h.db.query(
        "SELECT session_id, exercise, level FROM session_exercises"
    ):
        if last.get(exercise) != level:
            last[exercise] = level
    h.sessions(limit=100)


def screen_queries(h: Any) -> None:
    """What the screen reads now (``screens/history.py`` ``_Fetch``)."""
    today = date.today()
    h.summary(today)
    h.daily_totals(since=(today - timedelta(weeks=12)).isoformat())
    h.sessions(limit=100)
    h.level_points()


def row(
    results: list[tuple[str, float, str, float | None]],
    name: str,
    ms: float,
    baseline: str = "",
    target: float | None = None,
) -> None:
    results.append((name, ms, baseline, target))


def verdict(ms: float, target: float) -> str:
    return f"target {target:.0f} ms: {'within' if ms <= target else 'OVER'}"


def bench_years(work: Path, years: int, runs: int) -> tuple[list[Any], float, float]:
    home = work / f"home-{years}"
    home.mkdir()
    db_path = home / "history.db"
    started = time.perf_counter()
    n_sessions, n_rows = generate(db_path, years)
    took = time.perf_counter() - started
    size = db_path.stat().st_size / 1e6
    print(f"\n{years} years: {n_sessions} sessions, {n_rows} exercise rows, {size:.1f} MB")
    print(f"(generated in {took:.0f} s)")
    bare = work / f"no-index-{years}.db"
    shutil.copy(db_path, bare)
    drop_indexes(bare)
    env = {**os.environ, "GLUTECOACH_HOME": str(home)}
    py = sys.executable
    out: list[Any] = []
    python_pass = median_ms(lambda: run_command([py, "-c", "pass"], env), runs)
    json_cmd = median_ms(
        lambda: run_command([py, "-m", "glutecoach", "history", "--json"], env), runs
    )
    row(
        out,
        "glutecoach history --json (whole command)",
        json_cmd,
        f"python -c pass {python_pass:.1f} ms",
        TARGET_MS,
    )
    row(
        out,
        "history screen queries (now)",
        median_ms(on_db(db_path, screen_queries), runs),
        "old way below",
    )
    row(
        out,
        "baseline: the same figures the old way (every session)",
        median_ms(on_db(db_path, old_screen_queries), runs),
    )
    since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    row(
        out,
        "history --since (last 30 days) query",
        median_ms(on_db(db_path, lambda h: h.sessions(since=since)), runs),
        "no indexes below",
    )
    row(
        out,
        "baseline: same, indexes dropped",
        median_ms(on_db(bare, lambda h: h.sessions(since=since)), runs),
    )

    from glutecoach.engine.catalog import load_catalog

    catalog = load_catalog()
    row(
        out,
        "level suggestions",
        median_ms(suggestions_on(db_path, catalog), runs),
        "no indexes below",
    )
    row(
        out,
        "baseline: level suggestions, indexes dropped",
        median_ms(suggestions_on(bare, catalog), runs),
    )

    def export_in_process() -> None:
        from glutecoach.store.db import Database, _connect
        from glutecoach.store.history import History

        db = Database(_connect(db_path), db_path)
        for _ in History(db).iter_session_json():
            pass
        db.close()

    row(out, "history --json work, in process", median_ms(export_in_process, runs))
    bare_cpu: list[float] = []
    screen_cpu: list[float] = []
    bare_push = statistics.median(screen_open_ms(home, runs, empty=True, cpu=bare_cpu))
    screen = statistics.median(screen_open_ms(home, runs, cpu=screen_cpu))
    row(
        out,
        f"history screen open (push to table filled; cpu {statistics.median(screen_cpu):.0f} ms)",
        screen,
        f"bare screen push {bare_push:.1f} ms, cpu {statistics.median(bare_cpu):.0f} ms",
        TARGET_MS,
    )
    app_bare_wall, app_bare_cpu = app_open_ms(env, runs, bare=True)
    app_wall, app_cpu = app_open_ms(env, runs)
    row(
        out,
        f"history in the app: h to table filled, first open (cpu {app_cpu:.0f} ms)",
        app_wall,
        f"h pushing a bare screen {app_bare_wall:.1f} ms, cpu {app_bare_cpu:.0f} ms",
        TARGET_MS,
    )
    return out, screen, json_cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="glutecoach-bench-"))
    try:
        env = {**os.environ, "GLUTECOACH_HOME": str(work / "empty-home")}
        py = sys.executable
        python_pass = median_ms(lambda: run_command([py, "-c", "pass"], env), args.runs)
        version = median_ms(
            lambda: run_command([py, "-m", "glutecoach", "--version"], env), args.runs
        )
        script = shutil.which("glutecoach", path=str(Path(py).parent))
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(f"baseline: python -c pass {python_pass:8.1f} ms")
        print(f"python -m glutecoach --version  {version:8.1f} ms  {verdict(version, 40)}")
        if script:
            direct = median_ms(lambda: run_command([script, "--version"], env), args.runs)
            print(f"glutecoach --version (installed)  {direct:8.1f} ms  {verdict(direct, 40)}")
        screens: dict[int, float] = {}
        for years in args.years:
            results, screen, _json = bench_years(work, years, args.runs)
            screens[years] = screen
            width = max(len(r[0]) for r in results)
            for name, ms, baseline, target in results:
                extra = f"  [{baseline}]" if baseline else ""
                if target is not None:
                    extra += f"  {verdict(ms, target)}"
                print(f"{name:<{width}}  {ms:8.1f} ms{extra}")
        if len(screens) > 1:
            first, last = min(screens), max(screens)
            ratio = screens[last] / screens[first]
            print(
                f"screen open at {last} years / at {first} years: {ratio:.2f}x "
                f"({'flat' if ratio <= 1.15 else 'GROWS'}; within 1.15x counts as flat)"
            )
        print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
