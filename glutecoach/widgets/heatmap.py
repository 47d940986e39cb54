"""A calendar heatmap: one cell per day, weeks as columns, Monday on top.

Each cell's strength is shown twice, by a glyph (``·░▒▓█``) and by a colour blended from
the theme's background to its primary, so it reads in any theme, in the 16-colour ANSI
theme, and for people who do not tell the colours apart.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.reactive import reactive
from textual.widget import Widget

from glutecoach.store.stats import grid_start

GLYPHS = ("·", "░", "▒", "▓", "█")
DAY_LABELS = ("M", " ", "W", " ", "F", " ", "S")


def bucket(minutes: float, top: float) -> int:
    """0 for a rest day, else 1-4 by share of the busiest day in view."""
    if minutes <= 0 or top <= 0:
        return 0
    return min(4, 1 + int(3.999 * minutes / top))


class Heatmap(Widget):
    DEFAULT_CSS = """
    Heatmap { width: auto; height: auto; }
    """

    weeks: reactive[int] = reactive(12, layout=True)

    def __init__(
        self,
        minutes: dict[date, float] | None = None,
        today: date | None = None,
        *,
        weeks: int = 12,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.minutes = minutes or {}
        self.today = today or date.today()
        self.set_reactive(Heatmap.weeks, weeks)

    def on_mount(self) -> None:
        def repaint(_old: str, _new: str) -> None:
            self.refresh()

        self.watch(self.app, "theme", repaint, init=False)

    def show(self, minutes: dict[date, float], today: date) -> None:
        self.minutes = minutes
        self.today = today
        self.refresh(layout=True)

    def get_content_width(self, container: object, viewport: object) -> int:
        return 2 + 2 * self.weeks

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 8

    def _palette(self) -> list[Style]:
        variables = getattr(self.app, "theme_variables", {}) or {}
        try:
            base = Color.parse(variables.get("background", "#000000"))
            top = Color.parse(variables.get("primary", "#00aaff"))
        except ColorParseError:
            return [Style(dim=True)] + [Style()] * 4
        if base.a == 0 or top.a == 0:
            return [Style(dim=True)] + [Style()] * 4
        if top.ansi is not None or base.ansi is not None:
            # A terminal-palette theme: blending would invent RGB colours the user never
            # chose, so every active day uses the primary colour and the glyph shows depth.
            return [Style(dim=True)] + [Style(color=top.rich_color)] * 4
        muted = Color.parse(variables.get("foreground-muted", variables.get("foreground", "#888")))
        shades = [Style(color=muted.rich_color, dim=True)]
        for step in (0.35, 0.55, 0.78, 1.0):
            shades.append(Style(color=base.blend(top, step).rich_color))
        return shades

    def render(self) -> Text:
        start = grid_start(self.today, self.weeks)
        in_view = [
            self.minutes.get(start + timedelta(days=i), 0.0)
            for i in range(self.weeks * 7)
            if start + timedelta(days=i) <= self.today
        ]
        top = max(in_view, default=0.0)
        shades = self._palette()
        text = Text(no_wrap=True, overflow="crop")
        for weekday in range(7):
            text.append(f"{DAY_LABELS[weekday]} ", style=Style(dim=True))
            for week in range(self.weeks):
                day = start + timedelta(weeks=week, days=weekday)
                if day > self.today:
                    text.append("  ")
                    continue
                level = bucket(self.minutes.get(day, 0.0), top)
                text.append(GLYPHS[level] * 2, style=shades[level])
            text.append("\n")
        text.append("  less ", style=Style(dim=True))
        for level in range(5):
            text.append(GLYPHS[level], style=shades[level])
        text.append(" more", style=Style(dim=True))
        return text
