"""A thin progress bar with a title and a label, filled a whole cell at a time.

Textual sends a changed row from the widget's left edge, so a one-widget bar would resend
its whole filled part every second. This bar is a row of short segments, and a change is
sent up to the last cell that changed, from its segment's start. Every segment is rendered
again for any change in its row, so there are few of them. Whole cells rather than eighths
mean a change every second or two instead of several a second; together this keeps a
workout's terminal output near a termdown's. Filled cells are blocks and the track a
tinted blank, so the bar reads without colour.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

SEGMENTS = 5  # fewest bytes by measurement (8 and 4 send more); fewer widgets to render


TONES = ("work", "rest", "switch", "get-ready")


class Segment(Widget):
    # The filled cells' look, and one per phase a screen may colour the bar with: a change
    # of phase picks another component style, with no restyle of the bar's widgets.
    COMPONENT_CLASSES = {"bar--done", *(f"bar--{tone}" for tone in TONES)}  # noqa: RUF012
    DEFAULT_CSS = """
    Segment { width: 1fr; height: 1; }
    Segment > .bar--done { color: $primary; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.cells = 0  # how many of this segment's cells are filled
        self.tone = "bar--done"
        self._style: Style | None = None

    def notify_style_update(self) -> None:
        self._style = None
        super().notify_style_update()

    def set_tone(self, tone: str) -> None:
        if tone != self.tone:
            self.tone = tone
            self._style = None
            self.refresh()

    def fill(self, cells: int) -> None:
        cells = max(0, min(cells, self.size.width))
        if cells != self.cells:
            # Only up to the last cell that changes: Textual sends a dirty row from the
            # widget's left edge to the dirty region's end, so the unchanged track after
            # it is not sent again.
            reach = max(cells, self.cells)
            self.cells = cells
            self.refresh(Region(0, 0, reach, 1))

    def render_line(self, y: int) -> Strip:
        """The row itself (Textual's line API): no renderable to measure and wrap on each
        repaint, which made a segment's repaint cost about as much as the rest of a frame."""
        width = self.size.width
        done = min(self.cells, width)
        # One style for blocks and track (a block hides its background): one colour code
        # per repaint instead of two.
        if self._style is None:  # once per restyle or tone, not on every repaint
            self._style = self.get_component_rich_style(self.tone)
        style = self._style
        return Strip([RichSegment("█" * done + " " * (width - done), style)], width)


class Bar(Horizontal):
    DEFAULT_CSS = """
    Bar { height: 1; width: 1fr; }
    Bar > .bar-title { width: auto; color: $text-muted; padding-right: 1; }
    Bar > .bar-label { width: auto; padding-left: 1; }
    Bar > .bar-track { width: 1fr; height: 1; }
    """

    def __init__(self, title: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._title = title
        self._fraction = 0.0
        self._label = ""
        self._segments: list[Segment] = []

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def label(self) -> str:
        return self._label

    def compose(self) -> ComposeResult:
        if self._title:
            yield Static(self._title, classes="bar-title", markup=False)
        self._segments = [Segment() for _ in range(SEGMENTS)]
        with Horizontal(classes="bar-track"):
            yield from self._segments
        yield Static("", classes="bar-label", markup=False)

    def show_tone(self, tone: str | None) -> None:
        """Colour the filled cells as the ``Segment > .bar--TONE`` rule says (None: the
        bar's own colour). One of TONES."""
        name = f"bar--{tone}" if tone else "bar--done"
        for segment in self._segments:
            segment.set_tone(name)

    def on_resize(self) -> None:
        self.call_after_refresh(self._paint)

    def set(self, fraction: float, label: str = "") -> None:
        self._fraction = min(1.0, max(0.0, fraction))
        if label != self._label:
            # The label is as wide as its text: a new layout only when the width changes
            # ("7 min left" to "6 min left" is a repaint of the label alone).
            resized = cell_len(label) != cell_len(self._label)
            self._label = label
            self.query_one(".bar-label", Static).update(label, layout=resized)
        self._paint()

    def _paint(self) -> None:
        total = sum(s.size.width for s in self._segments)
        filled = round(self._fraction * total)
        start = 0
        for segment in self._segments:
            segment.fill(filled - start)
            start += segment.size.width
