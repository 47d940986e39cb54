"""History at 80x24 and 40x12 with every built-in exercise moving up, and a 32 s session."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_plans import run_all
from test_screens import StoreApp, text_of
from textual.widgets import DataTable

from glutecoach.engine.catalog import load_catalog
from glutecoach.engine.plan import PlanOptions, build_plan
from glutecoach.engine.routines import load_routines
from glutecoach.screens.history import HistoryScreen
from glutecoach.store import Store

LADDER = (1, 2, 3)  # every exercise climbs these levels over the weeks


def _add(store: Store, days_ago: int, level: int, seconds: float, status: str) -> None:
    catalog = load_catalog()
    routine = load_routines().get("desk-reset")
    levels = {key: min(level, len(ex.levels)) for key, ex in catalog.items()}
    plan = build_plan(routine, catalog, PlanOptions(levels=levels))
    record = store.history.begin(plan, routine.name)
    run_all(record, plan)
    record.finish(status, seconds)
    when = datetime.now(UTC) - timedelta(days=days_ago)
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.execute(
            "UPDATE sessions SET started_at=? WHERE id=?",
            (when.replace(microsecond=0).isoformat(), record.session_id),
        )


@pytest.fixture
def filled(store: Store) -> Store:
    for i, level in enumerate(LADDER):
        _add(store, 20 - 7 * i, level, 420, "completed")
    _add(store, 0, LADDER[-1], 32, "stopped")
    return store


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
def test_every_exercise_level_line_is_shown_readably(filled: Store, size: tuple[int, int]) -> None:
    catalog = load_catalog()
    exercises = [e.exercise for e in load_routines().get("desk-reset").entries]

    async def run() -> None:
        app = StoreApp(filled, HistoryScreen, catalog)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            text = text_of(screen.query_one("#levels-over-time"))
            for key in exercises:
                assert f"{catalog[key].name}: 1 (" in text, text
            assert ") → 2 (" in text and ") → 3 (" in text
            if size == (80, 24):  # all of it on screen, none scrolled out of sight
                summary = screen.query_one("#summary")
                assert summary.max_scroll_y == 0
                assert screen.query_one("#sessions", DataTable).size.height >= 3

    asyncio.run(run())


def test_levels_column_is_whole_and_minutes_agree_with_the_cli(filled: Store, home: Path) -> None:
    async def run() -> list[str]:
        app = StoreApp(filled, HistoryScreen, load_catalog())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#sessions", DataTable)
            levels = table.ordered_columns[5]
            for row in range(table.row_count):
                cell = str(table.get_row_at(row)[5])
                assert levels.width >= len(cell), (levels.width, cell)
            return [str(table.get_row_at(row)[2]) for row in range(table.row_count)]

    app_minutes = asyncio.run(run())
    filled.close()
    done = subprocess.run(
        [sys.executable, "-m", "glutecoach", "history"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GLUTECOACH_HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()[1:]
    cli_minutes = [line.split()[4] for line in rows]  # date, time, "Desk", "reset", min
    assert app_minutes == cli_minutes == ["0.5", "7.0", "7.0", "7.0"]
