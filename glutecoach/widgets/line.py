"""A one-line (or wrapping) text that repaints only when its text changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static


class Line(Static):
    DEFAULT_CSS = """
    Line { height: auto; width: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(Content(text), id=id, classes=classes)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str) -> None:
        """Update only when different, so a once-a-second tick costs nothing when idle.

        A text that fits on one row, replacing one that did, leaves the widget's size alone,
        so it is repainted without a new layout of the screen (a rep count, a caption).
        """
        if text != self._text:
            same_size = self._one_row(text) and self._one_row(self._text)
            self._text = text
            self.update(Content(text), layout=not same_size)

    def _one_row(self, text: str) -> bool:
        width = self.content_region.width  # after padding; 0 until laid out
        return 0 < cell_len(text) <= width and "\n" not in text
