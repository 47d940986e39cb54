"""Ten years of daily sessions: how fast the history screen opens and `history --json` runs.

    python tests/bench/history_bench.py [--years 10] [--runs 7]

Target: both within 200 ms. Each number is the median of ``--runs`` runs, printed beside
baselines measured in the same run on the same machine:

* ``python -c pass``: the interpreter's own start-up, a floor no command can beat;
* ``glutecoach --version``: the command line's own start-up;
* each query again on a copy of the database with every index dropped, to show what the
  indexes buy (nothing for a full listing, which reads every row either way);
* pushing a bare screen in the same headless harness, the floor for any screen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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


def screen_open_ms(home: Path, runs: int, empty: bool = False) -> list[float]:
    """Time from pushing HistoryScreen to its table filled and the app idle, in a headless
    80x24 app; ``empty`` pushes a bare screen instead (the harness's own cost)."""
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
            started = time.perf_counter()
            await app.push_screen(Bare() if empty else HistoryScreen())
            await pilot.pause()
            if not empty:
                assert app.screen.query_one("#sessions", DataTable).row_count > 0
            times.append((time.perf_counter() - started) * 1000)
        app.store.close()

    for _ in range(runs):
        asyncio.run(once())
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="glutecoach-bench-"))
    try:
        home = work / "home"
        home.mkdir()
        db_path = home / "history.db"
        n_sessions, n_rows = generate(db_path, args.years)
        print(
            f"data: {n_sessions} sessions, {n_rows} exercise rows, "
            f"{db_path.stat().st_size / 1e6:.1f} MB"
        )

        bare = work / "no-index.db"
        shutil.copy(db_path, bare)
        drop_indexes(bare)

        env = {**os.environ, "GLUTECOACH_HOME": str(home)}
        py = sys.executable
        results = {
            "baseline: python -c pass": median_ms(
                lambda: run_command([py, "-c", "pass"], env), args.runs
            ),
            "glutecoach --version (CLI start-up)": median_ms(
                lambda: run_command([py, "-m", "glutecoach", "--version"], env), args.runs
            ),
            "glutecoach history --json (whole command)": median_ms(
                lambda: run_command([py, "-m", "glutecoach", "history", "--json"], env),
                args.runs,
            ),
            "all sessions + exercises query": median_ms(
                on_db(db_path, lambda h: h.sessions()), args.runs
            ),
            "baseline: same, indexes dropped (a full scan either way)": median_ms(
                on_db(bare, lambda h: h.sessions()), args.runs
            ),
        }
        since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
        results["history --since (last 30 days) query"] = median_ms(
            on_db(db_path, lambda h: h.sessions(since=since)), args.runs
        )
        results["baseline: same, indexes dropped"] = median_ms(
            on_db(bare, lambda h: h.sessions(since=since)), args.runs
        )

        from glutecoach.engine.catalog import load_catalog
        from glutecoach.store import open_store

        os.environ["GLUTECOACH_HOME"] = str(home)
        catalog = load_catalog()
        results["level suggestions"] = median_ms(suggestions_on(db_path, catalog), args.runs)
        results["baseline: level suggestions, indexes dropped"] = median_ms(
            suggestions_on(bare, catalog), args.runs
        )
        results["history screen queries (days, 100 rows, level points)"] = median_ms(
            on_db(
                db_path,
                lambda h: (h.daily_totals(), h.sessions(limit=100), h.level_points()),
            ),
            args.runs,
        )

        def export_in_process() -> None:
            store = open_store()
            json.dumps([s.to_json() for s in store.history.sessions()])
            store.close()

        results["history --json work, in process"] = median_ms(export_in_process, args.runs)
        results["baseline: push a bare screen (same harness)"] = statistics.median(
            screen_open_ms(home, args.runs, empty=True)
        )
        results["history screen open (push to table filled)"] = statistics.median(
            screen_open_ms(home, args.runs)
        )

        width = max(len(k) for k in results)
        for name, ms in results.items():
            print(f"{name:<{width}}  {ms:8.1f} ms")
        worst = max(
            results["glutecoach history --json (whole command)"],
            results["history screen open (push to table filled)"],
        )
        verdict = "within" if worst <= TARGET_MS else "OVER"
        print(f"target {TARGET_MS:.0f} ms: slowest of the two is {worst:.1f} ms ({verdict})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
