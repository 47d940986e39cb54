"""History: what you did, newest first, with streaks, a 12-week calendar and your levels.

The numbers come from the store's summary tables (kept current by every write) and
``glutecoach.store.stats``, so this screen only draws. Opening it reads the headline counts
and streaks, twelve weeks of days, the level changes and one page of sessions: the same
work after fifty years as after one (``tests/bench/history_bench.py``). Older sessions
load a page at a time (``m``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import DataTable, Static

from glutecoach.remind.log import breaks_line
from glutecoach.screens.base import CoachScreen
from glutecoach.store.queries import EFFORTS, SessionRow, Summary, minutes_text
from glutecoach.store.stats import (
    DayTotal,
    day_totals,
    grid_start,
    level_timeline,
    minutes_by_day,
    weekly_minutes,
)
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.heatmap import Heatmap
from glutecoach.widgets.sparkline import WeeklyBars

PAGE = 100  # table rows per page (m for more): DataTable layout cost grows with rows
WEEKS = 12  # the calendar's and the weekly bars' span


class HistoryScreen(CoachScreen):
    AREA = "history"
    CSS_PATH = "history.tcss"
    ALLOW_BROWSING = False
    BINDINGS = [  # noqa: RUF012
        Binding("escape,q", "close", "Back", id="history.back", tooltip="Back to where you were"),
        Binding(
            "tab",
            "app.focus_next",
            "Next part",
            id="history.focus_next",
            show=False,
            tooltip="Move between the summary and the table",
        ),
        Binding(
            "m",
            "more",
            "More",
            id="history.more",
            tooltip="Show older sessions in the table",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            id="history.reload",
            show=False,
            tooltip="Read the history again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days: list[DayTotal] = []  # the calendar's twelve weeks
        self.summary = Summary(0, 0, 0, 0)
        self.shown: list[SessionRow] = []  # the table's rows, with exercises
        self.level_points: list[tuple[str, str, int]] = []
        self.off_reason = ""

    def compose(self) -> ComposeResult:
        yield Static("History", id="heading")
        with VerticalScroll(id="summary"):
            yield Static(id="streaks")
            yield Static(id="breaks")  # desk reminders (glutecoach remind); empty if never used
            with Horizontal(id="charts"):
                with Vertical(classes="chart"):
                    yield Static("Last 12 weeks", classes="chart-title")
                    yield Heatmap(id="heatmap")
                with Vertical(classes="chart"):
                    yield Static("Minutes per week", classes="chart-title")
                    yield WeeklyBars(id="weekly")
            yield Static(id="levels-over-time")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield CoachFooter()

    def on_mount(self) -> None:
        if not self.is_attached:  # pushed by a key queued after quitting: never composed
            return
        self.load()
        self.query_one("#sessions", DataTable).focus()

    def action_close(self) -> None:
        self.close_if_active()

    def action_reload(self) -> None:
        self.load()

    def load(self, today: date | None = None) -> None:
        today = today or date.today()
        fetch = _Fetch(self._history())
        fetch.run(today)  # in place: a thread was tried and was slower (GIL contention)
        self.off_reason = fetch.off_reason
        self.days, self.shown, self.level_points = fetch.days, fetch.shown, fetch.points
        self.summary = fetch.summary
        self.query_one("#breaks", Static).update(Text(fetch.breaks))
        self.query_one("#breaks", Static).display = bool(fetch.breaks)
        self._draw(today)

    def action_more(self) -> None:
        history = self._history()
        if history is None or len(self.shown) >= self.total:
            self.notify("That is every session.", timeout=3)
            return
        older = history.sessions(limit=PAGE, offset=len(self.shown))
        self.shown.extend(older)
        self._fill_table()

    def _history(self) -> Any:
        return getattr(getattr(self.app, "store", None), "history", None)

    @property
    def total(self) -> int:
        return self.summary.sessions

    def _draw(self, today: date) -> None:
        by_day = minutes_by_day(self.days)
        current, longest = self.summary.current_streak, self.summary.longest_streak
        done = self.summary.completed
        if self.off_reason:
            summary = f"[b]History is off:[/b] {escape(self.off_reason)}"
        elif not self.total:
            summary = "No sessions yet. Finish a routine and it shows up here."
        else:
            day_word = "day" if current == 1 else "days"
            summary = (
                f"Streak [b]{current}[/b] {day_word} · longest [b]{longest}[/b] · "
                f"{done} completed of {self.total}"
            )
        self.query_one("#streaks", Static).update(summary)
        self.query_one(Heatmap).show(by_day, today)
        self.query_one(WeeklyBars).show(weekly_minutes(by_day, today))
        self.query_one("#levels-over-time", Static).update(self._levels_text())
        self._fill_table()

    def _levels_text(self) -> str:
        timeline = level_timeline(self.level_points)
        if not timeline:
            return ""
        names = _exercise_names(self.app)
        lines = ["[b]Levels over time[/b]"]
        for exercise, points in timeline.items():
            shown = points[-4:]
            steps = " → ".join(f"{p.level} [dim]({_day(p.day)})[/dim]" for p in shown)
            more = "… " if len(points) > len(shown) else ""
            lines.append(f"{escape(names.get(exercise, exercise))}: {more}{steps}")
        return "\n".join(lines)

    def _fill_table(self) -> None:
        table = self.query_one("#sessions", DataTable)
        row = table.cursor_row
        rows = [_row(s) for s in self.shown]
        table.clear(columns=True)
        # Fixed widths: DataTable would otherwise measure every cell of every row. The
        # levels column is as wide as its longest cell, so no level is cut off.
        levels = max((len(r[-1]) for r in rows), default=0)
        for label, width in COLUMNS:
            table.add_column(label, width=max(width, levels) if label == "Levels" else width)
        table.add_rows(rows)
        hidden = self.total - len(self.shown)
        if hidden > 0:
            table.add_row("…", f"{hidden} older", "", "", "", "m shows more")
        table.move_cursor(row=row)


class _Fetch:
    """The queries the screen needs, none of which reads more as the years go by: the
    headline counts and streaks, twelve weeks of days, one page of rows, level points."""

    def __init__(self, history: Any) -> None:
        self.history = history
        self.off_reason = ""
        self.summary = Summary(0, 0, 0, 0)
        self.days: list[DayTotal] = []
        self.shown: list[SessionRow] = []
        self.points: list[tuple[str, str, int]] = []
        self.breaks = ""

    def run(self, today: date) -> None:
        history = self.history
        if history is None or not history.enabled:
            self.off_reason = getattr(history, "why_disabled", "") or "no store is open"
            return
        self.summary = history.summary(today)
        self.days = day_totals(history.daily_totals(since=grid_start(today, WEEKS).isoformat()))
        self.shown = history.sessions(limit=PAGE)
        self.points = history.level_points()
        self.breaks = breaks_line(history.db)


COLUMNS = (
    ("Date", 16),
    ("Routine", 16),
    ("Min", 5),
    ("Status", 9),
    ("Effort", 11),
    ("Levels", 12),  # at least; widened to the longest cell shown
)


def _day(day: date) -> str:
    return f"{day:%b} {day.day}" if day.year == date.today().year else f"{day:%b} {day.year}"


def _row(s: SessionRow) -> tuple[Text, ...]:
    """Plain ``Text`` cells: a ``str`` would be parsed as markup, which costs more than
    everything else in opening the screen and would mangle a routine named ``[x]``."""
    started = datetime.fromisoformat(s.started_at).astimezone()
    levels = " ".join(f"{e.exercise}:{e.level}" for e in s.exercises)
    cells = (
        f"{started:%Y-%m-%d %H:%M}",
        s.routine_name,
        minutes_text(s.active_seconds),
        s.status,
        EFFORTS.get(s.effort or 0, ""),
        levels,
    )
    return tuple(Text(c, no_wrap=True, overflow="ellipsis") for c in cells)


def _exercise_names(app: Any) -> dict[str, str]:
    catalog = getattr(app, "catalog", None)
    if catalog is None:
        try:
            from glutecoach.engine.catalog import load_catalog

            catalog = load_catalog()
        except Exception:  # a broken catalog must not stop history from showing
            return {}
    return {key: ex.name for key, ex in catalog.items()}
