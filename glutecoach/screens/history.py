"""History: what you did, newest first, with streaks, a 12-week calendar and your levels.

The numbers come from the store's summary tables (kept current by every write) and
``glutecoach.store.stats``, so this screen only draws. Opening it reads the headline counts
and streaks, twelve weeks of days, the level changes and one page of sessions: the same
work after fifty years as after one (``tests/bench/history_bench.py``). Older sessions
load a page at a time (``m``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import DataTable, Static

from glutecoach.remind.log import breaks_line
from glutecoach.screens.base import CoachScreen
from glutecoach.store.queries import EFFORTS, Summary, TableRow, minutes_text
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
    # The rules as default CSS, not CSS_PATH: a new CSS_PATH makes Textual parse every
    # stylesheet of the app again and restyle every widget (~15 ms on opening).
    DEFAULT_CSS = (Path(__file__).parent / "history.tcss").read_text(encoding="utf-8")
    ALLOW_BROWSING = False
    AUTO_FOCUS = "#sessions"
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
        self.shown: list[TableRow] = []  # the table's rows
        self.level_points: list[tuple[str, str, int]] = []
        self.off_reason = ""

    def compose(self) -> ComposeResult:
        # Read first and build every widget with its content, so the first layout is the
        # only one: filling them after mounting laid the screen out and drew it again.
        today = date.today()
        fetch = self._read(today)
        by_day = minutes_by_day(self.days)
        yield Static("History", id="heading")
        with VerticalScroll(id="summary"):
            yield Static(self._summary_text(), id="streaks")
            # desk reminders (glutecoach remind); hidden if never used
            breaks = Static(Text(fetch.breaks), id="breaks")
            breaks.display = bool(fetch.breaks)
            yield breaks
            with Horizontal(id="charts"):
                with Vertical(classes="chart"):
                    yield Static("Last 12 weeks", classes="chart-title")
                    yield Heatmap(by_day, today, id="heatmap")
                with Vertical(classes="chart"):
                    yield Static("Minutes per week", classes="chart-title")
                    yield WeeklyBars(weekly_minutes(by_day, today), id="weekly")
            yield Static(self._levels_text(), id="levels-over-time")
        table = DataTable[Cell](id="sessions", cursor_type="row", zebra_stripes=True)
        self._fill(table)
        yield table
        yield CoachFooter()

    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler. The first resume comes just after the screen
        # was composed, every widget styled as it mounted: restyling them all again then
        # changed nothing and cost a few ms of the screen's first frame.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def action_close(self) -> None:
        self.close_if_active()

    def action_reload(self) -> None:
        self.load()

    def load(self, today: date | None = None) -> None:
        """Read the history again and redraw what shows it (``r``)."""
        today = today or date.today()
        fetch = self._read(today)
        breaks = self.query_one("#breaks", Static)
        breaks.update(Text(fetch.breaks))
        breaks.display = bool(fetch.breaks)
        self._draw(today)

    def _read(self, today: date) -> _Fetch:
        fetch = _Fetch(self._history())
        fetch.run(today)  # in place: a thread was tried and was slower (GIL contention)
        self.off_reason = fetch.off_reason
        self.days, self.shown, self.level_points = fetch.days, fetch.shown, fetch.points
        self.summary = fetch.summary
        return fetch

    def action_more(self) -> None:
        history = self._history()
        if history is None or len(self.shown) >= self.total:
            self.notify("That is every session.", timeout=3)
            return
        older = history.table_rows(PAGE, after=self.shown[-1] if self.shown else None)
        self.shown.extend(older)
        self._fill_table()

    def _history(self) -> Any:
        return getattr(getattr(self.app, "store", None), "history", None)

    @property
    def total(self) -> int:
        return self.summary.sessions

    def _draw(self, today: date) -> None:
        by_day = minutes_by_day(self.days)
        self.query_one("#streaks", Static).update(self._summary_text())
        self.query_one(Heatmap).show(by_day, today)
        self.query_one(WeeklyBars).show(weekly_minutes(by_day, today))
        self.query_one("#levels-over-time", Static).update(self._levels_text())
        self._fill_table()

    def _summary_text(self) -> str:
        current, longest = self.summary.current_streak, self.summary.longest_streak
        if self.off_reason:
            return f"[b]History is off:[/b] {escape(self.off_reason)}"
        if not self.total:
            return "No sessions yet. Finish a routine and it shows up here."
        day_word = "day" if current == 1 else "days"
        return (
            f"Streak [b]{current}[/b] {day_word} · longest [b]{longest}[/b] · "
            f"{self.summary.completed} completed of {self.total}"
        )

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
        self._fill(self.query_one("#sessions", DataTable))

    def _fill(self, table: DataTable[Cell]) -> None:
        row = table.cursor_row
        rows = [_row(s) for s in self.shown]
        table.clear(columns=True)
        # Fixed widths: DataTable would otherwise measure every cell of every row. The
        # levels column is as wide as its longest cell, so no level is cut off.
        # Labels as Text, not str: a str is parsed as markup, with an emoji lookup whose
        # table (rich._emoji_codes) is imported on the first open (~5 ms).
        levels = max((len(r[-1].text) for r in rows), default=0)
        for label, width in COLUMNS:
            width = max(width, levels) if label == "Levels" else width
            table.add_column(Text(label), width=width)
        table.add_rows(rows)
        hidden = self.total - len(self.shown)
        if hidden > 0:
            table.add_row(*map(Cell, ("…", f"{hidden} older", "", "", "", "m shows more")))
        table.move_cursor(row=row)


class _Fetch:
    """The queries the screen needs, none of which reads more as the years go by: the
    headline counts and streaks, twelve weeks of days, one page of rows, level points."""

    def __init__(self, history: Any) -> None:
        self.history = history
        self.off_reason = ""
        self.summary = Summary(0, 0, 0, 0)
        self.days: list[DayTotal] = []
        self.shown: list[TableRow] = []
        self.points: list[tuple[str, str, int]] = []
        self.breaks = ""

    def run(self, today: date) -> None:
        history = self.history
        if history is None or not history.enabled:
            self.off_reason = getattr(history, "why_disabled", "") or "no store is open"
            return
        self.summary = history.summary(today)
        self.days = day_totals(history.daily_totals(since=grid_start(today, WEEKS).isoformat()))
        self.shown = history.table_rows(PAGE)
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


class Cell:
    """One table cell: plain text on one line, cut with an ellipsis. Not a ``str``, which
    the table would parse as markup (costly, and it mangles a routine named ``[x]``), nor
    a ``Text``, which the table measures as each row is added (every cell of a page, ~10 ms,
    for columns whose widths are fixed anyway): the ``Text`` is made only when drawn."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Cell({self.text!r})"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.text, no_wrap=True, overflow="ellipsis")


def _row(s: TableRow) -> tuple[Cell, ...]:
    started = datetime.fromisoformat(s.started_at).astimezone()
    return (
        Cell(f"{started:%Y-%m-%d %H:%M}"),
        Cell(s.routine_name),
        Cell(minutes_text(s.active_seconds)),
        Cell(s.status),
        Cell(EFFORTS.get(s.effort or 0, "")),
        Cell(s.levels),
    )


def _exercise_names(app: Any) -> dict[str, str]:
    catalog = getattr(app, "catalog", None)
    if catalog is None:
        try:
            from glutecoach.engine.catalog import load_catalog

            catalog = load_catalog()
        except Exception:  # a broken catalog must not stop history from showing
            return {}
    return {key: ex.name for key, ex in catalog.items()}
