"""The history and levels screens, driven with Pilot in a tiny app that holds a real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from store_plans import CATALOG, make_plan, run_all
from textual.app import App
from textual.widgets import DataTable, Static

from glutecoach.screens.history import HistoryScreen
from glutecoach.screens.levels import LadderCard, LevelsScreen
from glutecoach.store import Store, open_store
from glutecoach.widgets.heatmap import Heatmap, bucket
from glutecoach.widgets.sparkline import WeeklyBars, bar_rows

SIZES = [(80, 24), (40, 12)]


class StoreApp(App[None]):
    def __init__(self, store: Store, screen: type[Any], catalog: Any = None) -> None:
        super().__init__()
        self.store = store
        self.catalog = catalog
        self._screen_class = screen
        self.changes: list[tuple[str, int]] = []

    def on_mount(self) -> None:
        self.push_screen(self._screen_class())

    def on_levels_screen_level_changed(self, message: LevelsScreen.LevelChanged) -> None:
        self.changes.append((message.exercise, message.level))


def add(store: Store, days_ago: int, level: int = 1, effort: int | None = None) -> None:
    plan = make_plan({"glute-bridge": level})
    record = store.history.begin(plan, "Test routine")
    run_all(record, plan)
    record.finish("completed", 420)
    if effort:
        record.rate(effort)
    when = datetime.now(UTC) - timedelta(days=days_ago)
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.execute(
            "UPDATE sessions SET started_at=? WHERE id=?",
            (when.replace(microsecond=0).isoformat(), record.session_id),
        )


def text_of(widget: Any) -> str:
    return str(widget.render())


@pytest.mark.parametrize("size", SIZES)
def test_history_screen_shows_sessions_newest_first_with_streak(
    store: Store, size: tuple[int, int]
) -> None:
    async def run() -> None:
        for days, level in ((3, 1), (2, 2), (1, 2), (0, 3)):
            add(store, days, level, effort=2)
        app = StoreApp(store, HistoryScreen)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            table = screen.query_one("#sessions", DataTable)
            assert table.row_count == 4
            first = [str(cell) for cell in table.get_row_at(0)]
            assert (
                first[1] == "Test routine"
                and first[3] == "completed"
                and "glute-bridge:3" in first[5]
            )
            assert str(table.get_row_at(3)[5]).startswith("glute-bridge:1")
            streak = text_of(screen.query_one("#streaks", Static))
            assert "Streak 4 days" in streak and "longest 4" in streak
            levels = text_of(screen.query_one("#levels-over-time", Static))
            assert "Glute bridge: 1" in levels and "→ 2" in levels and "→ 3" in levels
            heat = text_of(screen.query_one(Heatmap))
            assert heat.count("█") >= 2  # today's cell, drawn at full strength
            assert table.region.height >= 3  # the table stays usable at this size
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HistoryScreen)

    asyncio.run(run())


def test_history_screen_says_when_history_is_off(home: Path) -> None:
    async def run() -> None:
        home.mkdir(parents=True)
        import sqlite3

        conn = sqlite3.connect(home / "history.db")
        conn.execute("PRAGMA user_version = 99")
        conn.close()
        store = open_store()
        app = StoreApp(store, HistoryScreen)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            text = text_of(app.screen.query_one("#streaks", Static))
            assert "History is off" in text and "newer glutecoach" in text
        store.close()

    asyncio.run(run())


def test_history_screen_empty(store: Store) -> None:
    async def run() -> None:
        app = StoreApp(store, HistoryScreen)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "No sessions yet" in text_of(app.screen.query_one("#streaks", Static))
            assert app.screen.query_one("#sessions", DataTable).row_count == 0

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES)
def test_levels_screen_moves_a_level_and_saves_it(store: Store, size: tuple[int, int]) -> None:
    async def run() -> None:
        app = StoreApp(store, LevelsScreen, catalog=CATALOG)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            cards = list(app.screen.query(LadderCard))
            assert [c.exercise.id for c in cards] == list(CATALOG)
            first = text_of(cards[0])
            assert "level 1 of 4" in first and "▶ 1  Bridge 1" in first
            assert "Next: harder than 1" in first
            assert cards[0].has_class("-selected")
            await pilot.press("plus")
            await pilot.pause()
            assert store.levels.get("glute-bridge") == 2
            assert "▶ 2  Bridge 2" in text_of(cards[0])
            await pilot.press("down", "minus")  # clamshell is at 1: nothing below
            await pilot.pause()
            assert store.levels.get("clamshell") == 1
            assert cards[1].has_class("-selected") and not cards[0].has_class("-selected")
            await pilot.press("right", "right", "right")  # clamshell has 3 rungs
            await pilot.pause()
            assert store.levels.get("clamshell") == 3
            assert "Top of the ladder" in text_of(cards[1])
            assert app.changes == [("glute-bridge", 2), ("clamshell", 2), ("clamshell", 3)]
        again = open_store()
        assert again.levels.current() == {"glute-bridge": 2, "clamshell": 3}
        again.close()

    asyncio.run(run())


def test_levels_screen_accepts_a_suggestion_with_one_key(store: Store) -> None:
    async def run() -> None:
        for days in (1, 2, 3):
            add(store, days)
        app = StoreApp(store, LevelsScreen, catalog=CATALOG)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            card = app.screen.query(LadderCard).first()
            assert "Suggested: up to 2" in text_of(card)
            assert store.levels.get("glute-bridge") == 1  # nothing changes without consent
            await pilot.press("a")
            await pilot.pause()
            assert store.levels.get("glute-bridge") == 2
            assert "Suggested" not in text_of(card)

    asyncio.run(run())


def test_levels_bindings_have_ids_and_descriptions() -> None:
    for screen in (LevelsScreen, HistoryScreen):
        for binding in screen.BINDINGS:
            assert binding.id and binding.description and binding.tooltip  # type: ignore[union-attr]


def test_bars_and_heatmap_scale() -> None:
    assert bar_rows([0, 4, 8], 2) == ["  █", " ██"]
    assert bar_rows([2, 8], 1) == ["▂█"]
    assert bar_rows([0, 0], 3) == ["  ", "  ", "  "]
    assert [bucket(m, 40) for m in (0, 1, 10, 20, 39, 40)] == [0, 1, 1, 2, 4, 4]
    bars = WeeklyBars([1.0] * 12)
    assert bars.get_content_width(None, None) == 24
    assert Heatmap({date.today(): 5}, weeks=12).get_content_width(None, None) == 26


def test_heatmap_uses_the_theme_primary_and_follows_theme_changes(store: Store) -> None:
    add(store, 0)
    app = StoreApp(store, HistoryScreen)

    def full_cell_colour() -> str:
        text = app.screen.query_one(Heatmap).render()
        spans = [s for s in text.spans if text.plain[s.start : s.end] == "██"]
        assert spans
        return str(spans[0].style.color.triplet.hex)  # type: ignore[union-attr]

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            from textual.color import Color

            primary = Color.parse(app.theme_variables["primary"]).hex.lower()
            assert full_cell_colour() == primary
            app.theme = "textual-light" if app.theme != "textual-light" else "nord"
            await pilot.pause()
            new_primary = Color.parse(app.theme_variables["primary"]).hex.lower()
            assert new_primary != primary
            assert full_cell_colour() == new_primary

    asyncio.run(run())


def test_history_screen_pages_older_sessions_with_m(store: Store) -> None:
    from glutecoach.screens.history import PAGE

    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.executemany(
            "INSERT INTO sessions (routine, routine_name, started_at, ended_at, status,"
            " active_seconds) VALUES ('r', ?, ?, ?, 'completed', 300)",
            [
                (f"Session {i}", f"2025-01-01T08:{i // 60:02d}:{i % 60:02d}+00:00", None)
                for i in range(PAGE + 5)
            ],
        )

    async def run() -> None:
        app = StoreApp(store, HistoryScreen)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            table = screen.query_one("#sessions", DataTable)
            assert table.row_count == PAGE + 1  # a page, and a row saying how many are older
            assert "5 older" in str(table.get_row_at(PAGE)[1])
            assert f"{PAGE + 5} completed of {PAGE + 5}" in text_of(screen.query_one("#streaks"))
            await pilot.press("m")
            await pilot.pause()
            assert table.row_count == PAGE + 5
            assert str(table.get_row_at(PAGE + 4)[1]) == "Session 0"  # the oldest, last

    asyncio.run(run())


def test_history_screen_pages_twice_in_order_and_shows_names_as_typed(store: Store) -> None:
    """Every page picks up after the row before it (ties on the start time too), and a
    routine named like markup is shown as typed, in the table cell and on screen."""
    from glutecoach.screens.history import PAGE

    total = 2 * PAGE + 3
    assert store.history.db is not None
    with store.history.db.write() as conn:
        conn.executemany(
            "INSERT INTO sessions (routine, routine_name, started_at, ended_at, status,"
            " active_seconds) VALUES ('r', ?, ?, NULL, 'completed', 300)",
            [  # pairs of sessions share a start time
                (f"Session {i}", f"2025-01-01T08:{i // 2 // 60:02d}:{i // 2 % 60:02d}+00:00")
                for i in range(total - 1)
            ]
            + [("[b]Mine[/b]", "2025-02-01T08:00:00+00:00")],
        )

    async def run() -> None:
        app = StoreApp(store, HistoryScreen)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#sessions", DataTable)
            assert str(table.get_row_at(0)[1]) == "[b]Mine[/b]"
            assert "[b]Mine[/b]" in app.export_screenshot()
            assert f"{total - PAGE} older" in str(table.get_row_at(PAGE)[1])
            await pilot.press("m")
            await pilot.pause()
            assert table.row_count == 2 * PAGE + 1
            assert "3 older" in str(table.get_row_at(2 * PAGE)[1])
            await pilot.press("m")
            await pilot.pause()
            names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            assert table.row_count == total and len(set(names)) == total
            expected = [f"Session {i}" for i in range(total - 1)]
            expected.sort(key=lambda n: (int(n.split()[1]) // 2, int(n.split()[1])), reverse=True)
            assert names == ["[b]Mine[/b]", *expected]  # newest first, ties newest id first
            await pilot.press("m")
            await pilot.pause()
            assert table.row_count == total  # nothing more to load

    asyncio.run(run())
