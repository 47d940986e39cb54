"""A one-line (or wrapping) text that repaints only when its text changes."""

from __future__ import annotations

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
        """Update only when different, so a once-a-second tick costs nothing when idle."""
        if text != self._text:
            self._text = text
            self.update(Content(text))
