"""What every glutecoach screen shares: a palette area name and its own palette commands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen
from typing_extensions import TypeVar

if TYPE_CHECKING:
    from glutecoach.app import GlutecoachApp

PaletteCommand = tuple[str, str, Callable[[], Any]]
# What a screen gives back when dismissed; most give nothing.
ResultT = TypeVar("ResultT", default=None)


class CoachScreen(Screen[ResultT]):
    AREA = "app"  # the prefix of this screen's commands in the palette ("workout: pause")
    ALLOW_BROWSING = True  # whether history and levels may open on top of this screen

    @property
    def coach(self) -> GlutecoachApp:
        """The app, typed: its store, clock, voice factory and signals."""
        return cast("GlutecoachApp", self.app)

    def close_if_active(self, result: ResultT | None = None) -> bool:
        """Dismiss this screen, but only while it is the one on top.

        A key queued for a screen that is already gone (a burst, a paste) must not close
        the screen below it or quit the app: ``dismiss`` and ``pop_screen`` pop whatever is
        on top. True when it closed.
        """
        if not self.is_active:
            return False
        self.dismiss(result)
        return True

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """Commands beyond the key bindings that make sense here (e.g. start a named routine)."""
        return ()
