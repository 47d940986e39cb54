"""Vertical bars with eighth-block tops: minutes per week, readable at a glance.

Textual's own ``Sparkline`` is one row high and has no labels; minutes per week wants a
few rows of height and the numbers for the first and last week beneath.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_rows(values: list[float], height: int) -> list[str]:
    """The bars as ``height`` text rows (top row first), one character per value."""
    top = max(values, default=0.0)
    rows = [[" "] * len(values) for _ in range(height)]
    if top <= 0:
        return ["".join(r) for r in rows]
    for col, value in enumerate(values):
        eighths = round(max(0.0, value) / top * height * 8)
        if value > 0:
            eighths = max(1, eighths)
        for row in range(height):
            filled = eighths - (height - 1 - row) * 8
            rows[row][col] = EIGHTHS[max(0, min(8, filled))]
    return ["".join(r) for r in rows]


class WeeklyBars(Widget):
    DEFAULT_CSS = """
    WeeklyBars { width: auto; height: 6; color: $primary; }
    """

    def __init__(
        self,
        values: list[float] | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.values = values or []

    def show(self, values: list[float]) -> None:
        self.values = values
        self.refresh(layout=True)

    def get_content_width(self, container: object, viewport: object) -> int:
        return max(18, 2 * len(self.values))

    def render(self) -> Text:
        height = max(1, self.size.height - 1)
        text = Text(no_wrap=True, overflow="crop")
        for row in bar_rows(self.values, height):
            text.append("".join(ch * 2 for ch in row))
            text.append("\n")
        top = max(self.values, default=0.0)
        last = self.values[-1] if self.values else 0.0
        text.append(f"now {last:.0f} · top {top:.0f}", style=Style(dim=True))
        return text
