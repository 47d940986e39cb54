"""The end of a workout: what was done, a one-key effort rating, level suggestions."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from glutecoach.screens.base import CoachScreen
from glutecoach.screens.words import mmss, span
from glutecoach.store.levels import Suggestion
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line
from glutecoach.workout.events import WorkoutSummary
from glutecoach.workout.run import WorkoutRun

EFFORT_WORDS = {1: "easy", 2: "about right", 3: "hard"}


class SummaryScreen(CoachScreen):
    AREA = "summary"
    CSS_PATH = "summary.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding("1", "rate(1)", "Easy", id="rate-easy", tooltip="Rate this workout: easy"),
        Binding("2", "rate(2)", "About right", id="rate-right", tooltip="Rate it: about right"),
        Binding("3", "rate(3)", "Hard", id="rate-hard", tooltip="Rate it: hard"),
        Binding("a", "accept", "Take level", id="accept", tooltip="Take the suggested new level"),
        Binding("enter", "done", "Done", id="done", tooltip="Back to the routines"),
        Binding("q,escape", "done", "Done", id="back", show=False, tooltip="Back to the routines"),
    ]

    def __init__(self, run: WorkoutRun) -> None:
        super().__init__()
        assert run.summary is not None, "the summary of a run that has not finished"
        self.run = run
        self.result: WorkoutSummary = run.summary
        self.effort: int | None = None
        self.suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        yield Line(id="heading")
        with VerticalScroll(id="body"):
            yield Static(id="done-list")
            yield Line(id="rating")
            yield Static(id="suggestions")
        yield CoachFooter()

    def on_mount(self) -> None:
        result = self.result
        completed = result.status == "completed"
        if completed:
            heading = "Done"
        elif result.left_early:
            heading = "Stopped early"
        else:
            heading = "Done, with steps skipped"
        self.query_one("#heading", Line).show(f"{heading}: {result.plan.routine.name}")
        head = Text.assemble(
            (span(result.active_seconds), "bold"),
            " active, pauses not counted" + ("" if completed else "; what you did is saved"),
        )
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="dim")
        table.add_column("Exercise")
        table.add_column("Sets", justify="right")
        table.add_column("Time", justify="right")
        for done in result.exercises:
            table.add_row(
                done.name, f"{done.sets_done}/{done.sets_planned}", mmss(done.seconds_done)
            )
        parts: list[Any] = [head, Text(), table]
        if not self.run.history_enabled:
            parts.append(Text(f"\nNot saved: {self.run.history_why_disabled}", style="dim"))
        self.query_one("#done-list", Static).update(Group(*parts))
        self._show_rating()
        self._load_suggestions()

    def on_unmount(self) -> None:
        self.run.close()  # the closing line may still be playing: let it finish

    def _show_rating(self) -> None:
        rating = self.query_one("#rating", Line)
        if self.effort is None:
            rating.show("How did that feel?  1 easy · 2 about right · 3 hard")
        else:
            rating.show(
                f"Logged as {EFFORT_WORDS[self.effort]}. Press another number to change it."
            )

    def _load_suggestions(self) -> None:
        from glutecoach.engine.catalog import load_catalog

        try:
            self.suggestions = list(self.coach.store.levels.suggestions(load_catalog()))
        except Exception as exc:  # suggestions are a nicety; the summary must still show
            self.suggestions = []
            self.notify(f"Could not work out level suggestions: {exc}", severity="warning")
        self._show_suggestions()
        self.refresh_bindings()

    def _show_suggestions(self) -> None:
        box = self.query_one("#suggestions", Static)
        if not self.suggestions:
            box.update("")
            return
        first, *rest = self.suggestions
        lines = [
            f"\n[b]Level suggestion[/b]: {escape(self._exercise_name(first.exercise))} "
            f"level {first.current} → {first.proposed}",
            escape(first.reason),
            "Press a to take it.",
        ]
        if rest:
            lines.append(f"[dim]{len(rest)} more after this one.[/]")
        box.update("\n".join(lines))

    def _exercise_name(self, exercise_id: str) -> str:
        planned = self.result.plan.exercises.get(exercise_id)
        return planned.exercise.name if planned else exercise_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept":
            return bool(self.suggestions)
        return True

    def action_rate(self, effort: int) -> None:
        self.effort = effort
        self.run.rate(effort)
        self._show_rating()
        self._load_suggestions()

    def action_accept(self) -> None:
        if not self.suggestions:
            return
        suggestion = self.suggestions.pop(0)
        if self.coach.set_level(suggestion.exercise, suggestion.proposed, suggestion.reason):
            self.notify(
                f"{self._exercise_name(suggestion.exercise)} is now level {suggestion.proposed}."
            )
        else:
            self.notify("Could not save the new level (history is off).", severity="warning")
        self._show_suggestions()
        self.refresh_bindings()

    def action_done(self) -> None:
        self.close_if_active()
