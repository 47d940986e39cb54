"""The big mm:ss countdown. Driven from the engine's state; it never counts time itself.

One Digits widget per character: Textual repaints whole widgets, so when only the last
digit changes (most seconds) only that 3x3 cell block is sent to the terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widgets import Digits

from glutecoach.widgets.line import changed_until


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes:>2}:{secs:02d}"


class DigitCell(Digits):
    """One character of the clock, drawn a row at a time (Textual's line API).

    Textual's Digits re-renders all three rows through a Rich renderable on every change;
    this cell keeps the rows of its glyph and marks only the rows that differ, so 9 to 8
    (same top row) repaints two rows, and each repaint is a row lookup, not a render.
    """

    def __init__(self, value: str = "", *, classes: str | None = None) -> None:
        super().__init__(value, classes=classes)
        self._style: Style | None = None
        self._rows_for: tuple[str, Style] | None = None
        self._rows: list[str] = []

    def notify_style_update(self) -> None:
        self._style = None
        super().notify_style_update()

    @property
    def style_now(self) -> Style:
        """The cell's Rich style, worked out once per restyle (Textual computes it afresh,
        through the ancestors' backgrounds, on every call)."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def rows(self) -> list[str]:
        """The three rows of this character as drawn in the widget's current style."""
        style = self.style_now
        if self._rows_for != (self.value, style):
            drawn = DigitsRenderable(self.value, style).render(style)
            self._rows = [
                seg.text for seg in drawn if isinstance(seg, Segment) and seg.text != "\n"
            ]
            self._rows_for = (self.value, style)
        return self._rows

    def update(self, value: str) -> None:
        if value == self.value:
            return
        before = self.rows()
        width = DigitsRenderable.get_width(self.value)
        if DigitsRenderable.get_width(value) != width:
            super().update(value)
            return
        self._value = value
        after = self.rows()
        # Each changed row up to its last changed cell: Textual sends a dirty row from the
        # widget's left edge to the dirty region's end, so nothing after it goes out.
        regions = [
            Region(0, y, end, 1)
            for y, (old, new) in enumerate(zip(before, after, strict=True))
            if (end := changed_until(old, new))
        ]
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        rows = self.rows()
        width = self.size.width
        text = rows[y] if y < len(rows) else ""
        style = self.style_now
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)


class Countdown(Horizontal):
    DEFAULT_CSS = """
    Countdown { width: auto; height: 3; }
    Countdown > DigitCell { width: auto; text-style: bold; }
    Countdown > DigitCell.-blank { display: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = " 0:00"
        self._cells: list[DigitCell] = []

    @property
    def value(self) -> str:
        return self._text.strip()

    def compose(self) -> ComposeResult:
        self._cells = [DigitCell(c, classes="-blank" if c == " " else "") for c in self._text]
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
