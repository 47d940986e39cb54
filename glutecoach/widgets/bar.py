"""A thin progress bar with a title and a label, drawn in eighth-cell steps.

Textual's ProgressBar animates and repaints on its own; this one repaints only when the
number of eighths drawn or the label changes, which keeps a workout's output near a
termdown's. Filled and empty cells use different glyphs so the bar reads without colour.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

PARTIAL = " ▏▎▍▌▋▊▉"


class Bar(Widget):
    COMPONENT_CLASSES = {"bar--title", "bar--done", "bar--todo", "bar--label"}  # noqa: RUF012
    DEFAULT_CSS = """
    Bar { height: 1; width: 1fr; }
    Bar > .bar--title { color: $text-muted; }
    Bar > .bar--done { color: $primary; }
    Bar > .bar--todo { color: $text-muted 40%; }
    Bar > .bar--label { color: $text; }
    """

    def __init__(self, title: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._title = title
        self._fraction = 0.0
        self._label = ""
        self._drawn: tuple[int, str] | None = None

    def _bar_width(self, width: int) -> int:
        used = (len(self._title) + 1 if self._title else 0) + (
            len(self._label) + 1 if self._label else 0
        )
        return max(0, width - used)

    def set(self, fraction: float, label: str = "") -> None:
        fraction = min(1.0, max(0.0, fraction))
        self._fraction = fraction
        self._label = label
        key = (int(fraction * self._bar_width(self.size.width) * 8), label)
        if key != self._drawn:
            self._drawn = key
            self.refresh()

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def label(self) -> str:
        return self._label

    def render(self) -> Text:
        width = self._bar_width(self.size.width)
        eighths = int(self._fraction * width * 8)
        self._drawn = (eighths, self._label)
        full, part = divmod(eighths, 8)
        text = Text(no_wrap=True, overflow="crop")
        if self._title:
            text.append(self._title + " ", self.get_component_rich_style("bar--title"))
        done = "█" * full + (PARTIAL[part] if part else "")
        text.append(done, self.get_component_rich_style("bar--done"))
        text.append("░" * (width - len(done)), self.get_component_rich_style("bar--todo"))
        if self._label:
            text.append(" " + self._label, self.get_component_rich_style("bar--label"))
        return text
