"""Help: generated from the live bindings of the screen it was opened on.

Read from ``active_bindings`` so remapped keys, and actions that are off right now, show
as they really are; there is no second key list to drift.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from glutecoach.screens.base import CoachScreen
from glutecoach.widgets.footer import CoachFooter
from glutecoach.widgets.line import Line

INTRO = (
    "glutecoach talks you through each exercise, so you can follow along without "
    "looking. Keys for the screen you came from:"
)


def key_rows(screen: Screen[Any]) -> list[tuple[str, str, str, bool]]:
    """(keys, description, tooltip, app-wide) per action, keys that share an action joined."""
    app: Any = screen.app
    ours = app.binding_ids() if hasattr(app, "binding_ids") else None
    grouped: dict[tuple[int, str], tuple[list[str], Binding, bool]] = {}
    found: list[tuple[Any, Binding]] = []
    for key, active in screen.active_bindings.items():
        if active.node is screen or active.node is app:
            found.append((active.node, active.binding))
            continue
        # A focused list takes the arrows for itself (doing the same thing): the screen's
        # own binding for that key is still the one to list, or help shows j/k alone.
        for binding in screen._bindings.key_to_bindings.get(key, []):
            if screen.check_action(binding.action, ()) is not False:
                found.append((screen, binding))
    for node, binding in found:
        active_node = node
        if not binding.description or (ours is not None and binding.id not in ours):
            continue
        mark = (id(active_node), binding.action)
        keys, _, _ = grouped.setdefault(mark, ([], binding, active_node is app))
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [
        (" ".join(keys), binding.description, binding.tooltip, everywhere)
        for keys, binding, everywhere in grouped.values()
    ]


class HelpScreen(CoachScreen):
    AREA = "help"
    ALLOW_BROWSING = False
    CSS_PATH = "help.tcss"
    BINDINGS = [  # noqa: RUF012
        Binding("q,escape", "close", "Close", id="back", tooltip="Back to where you were"),
        Binding("down,j", "scroll(1)", "Down", id="down", show=False, tooltip="Scroll down"),
        Binding("up,k", "scroll(-1)", "Up", id="up", show=False, tooltip="Scroll up"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.rows = key_rows(under)
        self.area = getattr(under, "AREA", "app")

    def compose(self) -> ComposeResult:
        yield Line(f"Help · {self.area}", id="heading")
        with VerticalScroll(id="body"):
            yield Static(INTRO, id="intro", markup=False)
            yield Static(self._table(), id="keys")
        yield CoachFooter()

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        here = [row for row in self.rows if not row[3]]
        everywhere = [row for row in self.rows if row[3]]
        for keys, description, tooltip, _ in here:
            table.add_row(keys, self._describe(description, tooltip))
        if everywhere:
            table.add_row("", "")
            table.add_row("", Text("Everywhere", style="bold"))
            for keys, description, tooltip, _ in everywhere:
                table.add_row(keys, self._describe(description, tooltip))
        if self.area == "routine":  # a new user reads help before starting a workout
            table.add_row("", "")
            table.add_row("", Text("During a workout", style="bold"))
            for keys, description, tooltip in self._workout_rows():
                table.add_row(keys, self._describe(description, tooltip))
        palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
        table.add_row(palette, self._describe("Commands", "Search every command that fits here"))
        return table

    def _workout_rows(self) -> list[tuple[str, str, str]]:
        """The workout's keys from its own bindings (remapped ones as remapped); two
        bindings sharing an id (Pause and Resume on one key) make one row."""
        from glutecoach.screens.workout import WorkoutScreen

        keymap: dict[str, str] = getattr(self.app, "_keymap", {})
        rows: dict[str, tuple[str, str, str]] = {}
        for binding in WorkoutScreen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            mark = binding.id or binding.action
            keys = keymap.get(binding.id or "", binding.key).split(",")
            shown = " ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in keys)
            if mark in rows:
                before = rows[mark]
                rows[mark] = (before[0], f"{before[1]} / {binding.description}", before[2])
            else:
                rows[mark] = (shown, binding.description, binding.tooltip)
        return list(rows.values())

    @staticmethod
    def _describe(description: str, tooltip: str) -> Text:
        text = Text(description)
        if tooltip:
            text.append(f"  {tooltip}", style="dim")
        return text

    def action_close(self) -> None:
        self.close_if_active()

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)
