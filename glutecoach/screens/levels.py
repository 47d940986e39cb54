"""Levels: every progression ladder, where you are on it, and what the next rung changes.

Moving a level here applies at once, queues its save (``store.levels.set``; a save that
later fails is shown as a warning) and posts ``LevelChanged`` so the app can rebuild any
plan it holds. Suggestions from the rule are shown, never applied
until the user accepts one with a key.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.widgets import Static

from glutecoach.engine.model import Exercise
from glutecoach.screens.base import CoachScreen
from glutecoach.store.levels import Suggestion
from glutecoach.widgets.footer import CoachFooter


class LadderCard(Static):
    """One exercise's ladder, current rung marked."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__(id=f"ladder-{exercise.id}", classes="ladder")
        self.exercise = exercise

    def draw(self, level: int, suggestion: Suggestion | None, has_band: bool) -> None:
        ex = self.exercise
        top = len(ex.levels)
        level = max(1, min(level, top))
        lines = [f"[b]{escape(ex.name)}[/b]  [dim]level {level} of {top}[/dim]"]
        for number, rung in enumerate(ex.levels, start=1):
            name = escape(rung.name)
            if number == level:
                lines.append(f"[reverse b] ▶ {number}  {name} [/reverse b]")
            else:
                lines.append(f"   [dim]{number}[/dim]  {name}")
        if level < top:
            change = ex.levels[level].change or ex.levels[level].name
            lines.append(f"   [i]Next: {escape(change)}[/i]")
        else:
            lines.append("   [i]Top of the ladder.[/i]")
        needs_band = "band" in ex.equipment or "band" in ex.level(level).equipment
        if needs_band and not has_band and ex.no_band is not None:
            lines.append(f"   [dim]No band: {escape(ex.no_band.name)} instead[/dim]")
        if suggestion is not None:
            way = "up" if suggestion.proposed > suggestion.current else "down"
            lines.append(
                f"   [b $accent]Suggested: {way} to {suggestion.proposed}[/]"
                f" [dim](a to accept)[/dim] {escape(suggestion.reason)}"
            )
        self.update("\n".join(lines))


class LevelsScreen(CoachScreen):
    AREA = "levels"
    CSS_PATH = "levels.tcss"
    ALLOW_BROWSING = False
    BINDINGS = [  # noqa: RUF012
        Binding("down,j", "select(1)", "Next", id="levels.next", tooltip="Next exercise"),
        Binding(
            "up,k",
            "select(-1)",
            "Previous",
            id="levels.previous",
            show=False,
            tooltip="Previous exercise",
        ),
        Binding(
            "right,plus,equals_sign",
            "move(1)",
            "Level up",
            id="levels.up",
            key_display="+",
            tooltip="Move the selected exercise one rung up",
        ),
        Binding(
            "left,minus",
            "move(-1)",
            "Level down",
            id="levels.down",
            key_display="-",
            tooltip="Move the selected exercise one rung down",
        ),
        Binding(
            "a",
            "accept",
            "Accept",
            id="levels.accept",
            tooltip="Accept the suggestion shown for the selected exercise",
        ),
        Binding("escape,q", "close", "Back", id="levels.back", tooltip="Back to where you were"),
    ]

    class LevelChanged(Message):
        """A level was changed here; plans built before this are out of date."""

        def __init__(self, exercise: str, level: int) -> None:
            super().__init__()
            self.exercise = exercise
            self.level = level

    def __init__(self) -> None:
        super().__init__()
        self.catalog: dict[str, Exercise] = {}
        self.selected = 0
        self.suggestions: dict[str, Suggestion] = {}

    def compose(self) -> ComposeResult:
        yield Static("Levels", id="heading")
        yield VerticalScroll(id="ladders", can_focus=False)
        yield CoachFooter()

    def on_mount(self) -> None:
        if not self.is_attached:  # pushed by a key queued after quitting: never composed
            return
        self.catalog = _catalog(self.app)
        ladders = self.query_one("#ladders", VerticalScroll)
        if not self.catalog:
            ladders.mount(Static("No exercises found.", classes="empty"))
            return
        ladders.mount_all(LadderCard(ex) for ex in self.catalog.values())
        self.call_after_refresh(self.refresh_cards)

    @property
    def store(self) -> Any:
        return getattr(self.app, "store", None)

    def refresh_cards(self) -> None:
        store = self.store
        levels = getattr(store, "levels", None)
        self.suggestions = {}
        if levels is not None:
            self.suggestions = {s.exercise: s for s in levels.suggestions(self.catalog)}
        settings = getattr(getattr(store, "settings", None), "value", None)
        has_band = "band" in (getattr(settings, "equipment", None) or [])
        for index, card in enumerate(self.query(LadderCard)):
            level = levels.get(card.exercise.id) if levels is not None else 1
            card.draw(level, self.suggestions.get(card.exercise.id), has_band)
            card.set_class(index == self.selected, "-selected")

    def _card(self) -> LadderCard | None:
        cards = list(self.query(LadderCard))
        return cards[self.selected] if cards else None

    def action_select(self, delta: int) -> None:
        cards = list(self.query(LadderCard))
        if not cards:
            return
        self.selected = (self.selected + delta) % len(cards)
        for index, card in enumerate(cards):
            card.set_class(index == self.selected, "-selected")
        cards[self.selected].scroll_visible()

    def action_move(self, delta: int) -> None:
        card = self._card()
        levels = getattr(self.store, "levels", None)
        if card is None or levels is None:
            return
        ex = card.exercise
        current = min(levels.get(ex.id), len(ex.levels))
        self._set(ex, current + delta, "moved on the levels screen")

    def action_accept(self) -> None:
        card = self._card()
        suggestion = self.suggestions.get(card.exercise.id) if card else None
        if card is None or suggestion is None:
            self.notify("No suggestion for this exercise right now.", timeout=3)
            return
        self._set(card.exercise, suggestion.proposed, "accepted suggestion")

    def _set(self, ex: Exercise, level: int, reason: str) -> None:
        levels = self.store.levels
        if not 1 <= level <= len(ex.levels):
            edge = "top" if level > len(ex.levels) else "first"
            self.notify(f"{ex.name} is already on its {edge} rung.", timeout=3)
            return
        saved = levels.set(ex.id, level, reason, on_notice=self._save_failed)
        self.refresh_cards()
        self.post_message(self.LevelChanged(ex.id, level))
        rung = ex.level(level).name
        if saved:
            self.notify(f"{ex.name}: level {level}, {rung}.", timeout=3)
        else:
            self.notify(
                f"{ex.name}: level {level} for now; not saved ({levels.why_not_saved}).",
                severity="warning",
            )

    def _save_failed(self, text: str) -> None:
        """From the history writer's thread: a queued level save finally failed."""
        # Not call_from_thread: that waits for the UI, which may itself be waiting for the
        # writer to drain as the app closes.
        self.coach.from_any_thread(lambda: self.notify(text, severity="warning"))

    def action_close(self) -> None:
        self.close_if_active()


def _catalog(app: Any) -> dict[str, Exercise]:
    catalog = getattr(app, "catalog", None)
    if isinstance(catalog, dict):
        return catalog
    from glutecoach.engine.catalog import load_catalog

    return load_catalog()
