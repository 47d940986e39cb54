"""A one-line (or wrapping) text that repaints only when its text changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static


def changed_until(old: str, new: str) -> int:
    """Cells from the left up to and including the last one that differs (0: none do).

    Exact for single-width characters; anything wider counts as all of both.
    """
    if old == new:
        return 0
    if len(old) != len(new) or cell_len(old) != len(old) or cell_len(new) != len(new):
        return max(cell_len(old), cell_len(new))
    return 1 + max(i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)


class Line(Static):
    DEFAULT_CSS = """
    Line { height: auto; width: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(Content(text), id=id, classes=classes)
        self._text = text
        self._reach: int | None = None  # set for the next refresh only (see show)

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str) -> None:
        """Update only when different, so a once-a-second tick costs nothing when idle.

        A text that fits on one row, replacing one that did, leaves the widget's size alone:
        it is repainted without a new layout of the screen, and only up to its last changed
        cell (Textual sends a dirty row from the widget's left edge to the dirty region's
        end), so "rep 3 of 10" after "rep 2 of 10" does not resend the blank rest of the row.
        """
        if text == self._text:
            return
        same_size = self._one_row(text) and self._one_row(self._text)
        width = self.styles.width
        if width is None or width.is_auto:  # as wide as its text: the width must not change
            same_size = same_size and cell_len(text) == cell_len(self._text)
        if same_size and self.styles.text_align in ("left", "start"):
            self._reach = changed_until(self._text, text)
        self._text = text
        try:
            self.update(Content(text), layout=not same_size)
        finally:
            self._reach = None

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Line:
        if self._reach is not None and not regions and not layout and not recompose:
            regions = (Region(0, 0, self._reach, 1),)
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    def _one_row(self, text: str) -> bool:
        width = self.content_region.width  # after padding; 0 until laid out
        return 0 < cell_len(text) <= width and "\n" not in text
