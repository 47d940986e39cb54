"""History: what you did, newest first, with streaks, a 12-week calendar and your levels.

The numbers come from ``glutecoach.store.stats`` so this screen only draws. Everything is
read once when the screen opens (two indexed queries), which stays well under the 200 ms
budget even for ten years of daily sessions (see ``tests/bench/history_bench.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import DataTable, Footer, Static

from glutecoach.screens.base import CoachScreen
from glutecoach.store.history import EFFORTS, SessionRow
from glutecoach.store.stats import (
    completed_days,
    level_timeline,
    minutes_by_day,
    streaks,
    weekly_minutes,
)
from glutecoach.widgets.heatmap import Heatmap
from glutecoach.widgets.sparkline import WeeklyBars

TABLE_LIMIT = 1000  # rows drawn in the table; `glutecoach history` lists everything


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
        self.sessions: list[SessionRow] = []
        self.off_reason = ""

    def compose(self) -> ComposeResult:
        yield Static("History", id="heading")
        with VerticalScroll(id="summary"):
            yield Static(id="streaks")
            with Horizontal(id="charts"):
                with Vertical(classes="chart"):
                    yield Static("Last 12 weeks", classes="chart-title")
                    yield Heatmap(id="heatmap")
                with Vertical(classes="chart"):
                    yield Static("Minutes per week", classes="chart-title")
                    yield WeeklyBars(id="weekly")
            yield Static(id="levels-over-time")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Date", "Routine", "Min", "Status", "Effort", "Levels")
        self.load()
        table.focus()

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def load(self, today: date | None = None) -> None:
        store: Any = getattr(self.app, "store", None)
        history = getattr(store, "history", None)
        self.off_reason = ""
        if history is None or not history.enabled:
            self.off_reason = getattr(history, "why_disabled", "") or "no store is open"
            self.sessions = []
        else:
            self.sessions = history.sessions()
        self._draw(today or date.today())

    def _draw(self, today: date) -> None:
        sessions = self.sessions
        by_day = minutes_by_day(sessions)
        current, longest = streaks(completed_days(sessions), today)
        done = sum(1 for s in sessions if s.status == "completed")
        if self.off_reason:
            summary = f"[b]History is off:[/b] {escape(self.off_reason)}"
        elif not sessions:
            summary = "No sessions yet. Finish a routine and it shows up here."
        else:
            day_word = "day" if current == 1 else "days"
            summary = (
                f"Streak [b]{current}[/b] {day_word} · longest [b]{longest}[/b] · "
                f"{done} completed of {len(sessions)}"
            )
        self.query_one("#streaks", Static).update(summary)
        self.query_one(Heatmap).show(by_day, today)
        self.query_one(WeeklyBars).show(weekly_minutes(by_day, today))
        self.query_one("#levels-over-time", Static).update(self._levels_text())
        self._fill_table()

    def _levels_text(self) -> str:
        timeline = level_timeline(self.sessions)
        if not timeline:
            return ""
        names = _exercise_names(self.app)
        lines = ["[b]Levels over time[/b]"]
        for exercise, points in timeline.items():
            shown = points[-4:]
            steps = " → ".join(f"{p.level} [dim]{_day(p.day)}[/dim]" for p in shown)
            more = "… " if len(points) > len(shown) else ""
            lines.append(f"{escape(names.get(exercise, exercise))}: {more}{steps}")
        return "\n".join(lines)

    def _fill_table(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        rows = [_row(s) for s in self.sessions[:TABLE_LIMIT]]
        table.add_rows(rows)
        hidden = len(self.sessions) - len(rows)
        if hidden > 0:
            table.add_row("…", f"{hidden} older", "", "", "", "`glutecoach history`")


def _day(day: date) -> str:
    return f"{day:%b} {day.day}" if day.year == date.today().year else f"{day:%b} {day.year}"


def _row(s: SessionRow) -> tuple[str, str, str, str, str, str]:
    started = datetime.fromisoformat(s.started_at).astimezone()
    levels = " ".join(f"{e.exercise}:{e.level}" for e in s.exercises)
    return (
        f"{started:%Y-%m-%d %H:%M}",
        s.routine_name,
        f"{s.active_seconds / 60:.0f}",
        s.status,
        EFFORTS.get(s.effort or 0, ""),
        levels,
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
