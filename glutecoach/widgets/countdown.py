"""The big mm:ss countdown. Driven from the engine's state; it never counts time itself.

One Digits widget per character: Textual repaints whole widgets, so when only the last
digit changes (most seconds) only that 3x3 cell block is sent to the terminal.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Digits


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes:>2}:{secs:02d}"


class Countdown(Horizontal):
    DEFAULT_CSS = """
    Countdown { width: auto; height: 3; }
    Countdown > Digits { width: auto; text-style: bold; }
    Countdown > Digits.-blank { display: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = " 0:00"
        self._cells: list[Digits] = []

    @property
    def value(self) -> str:
        return self._text.strip()

    def compose(self) -> ComposeResult:
        self._cells = [Digits(c, classes="-blank" if c == " " else "") for c in self._text]
        yield from self._cells

    def show_seconds(self, seconds: int) -> None:
        text = clock_text(seconds)
        if text == self._text or len(text) != len(self._text):
            return
        for cell, old, new in zip(self._cells, self._text, text, strict=True):
            if old != new:
                cell.set_class(new == " ", "-blank")
                cell.update(new if new != " " else "0")
        self._text = text
